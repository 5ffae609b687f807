#include <gtest/gtest.h>

#include "inbound/message_composer.h"

using namespace postern::inbound;

TEST(MessageComposer, AddsTraceAndUserHeadersAndStripsForgedOnes) {
  TraceInfo t;
  t.helo = "app.example";
  t.client_ip = "192.0.2.7";
  t.hostname = "relay.test";
  t.queue_id = "Q1";
  t.tls_version = "TLSv1.3";
  t.tls_cipher = "TLS_AES_256_GCM_SHA384";
  t.single_recipient = "bob@example.org";
  t.user_uuid = "uuid-1";
  t.when = 0;
  std::string in =
      "X-Postern-User: forged\r\n\tcontinued\r\nSubject: hi\r\nx-postern-user: again\r\n\r\n"
      "X-Postern-User: in body stays\r\n";
  std::string out = compose_message(t, in);
  EXPECT_EQ(out.rfind("Received: from app.example ([192.0.2.7])\r\n\tby relay.test (Postern) with ESMTPSA id Q1", 0), 0u);
  EXPECT_NE(out.find("for <bob@example.org>;"), std::string::npos);
  EXPECT_NE(out.find("X-Postern-User: uuid-1\r\nSubject: hi\r\n\r\nX-Postern-User: in body stays\r\n"),
            std::string::npos);
  EXPECT_EQ(out.find("forged"), std::string::npos);
  EXPECT_EQ(out.find("continued"), std::string::npos);
  EXPECT_EQ(out.find("again"), std::string::npos);
}

TEST(MessageComposer, HeloCannotInjectHeaders) {
  TraceInfo t;
  t.helo = "x\r\nBcc: victim@example.org";
  t.client_ip = "192.0.2.7";
  t.hostname = "relay.test";
  t.queue_id = "Q1";
  std::string out = compose_message(t, "\r\nbody\r\n");
  EXPECT_EQ(out.find("\r\nBcc:"), std::string::npos);
}
