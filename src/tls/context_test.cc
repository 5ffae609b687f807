#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <filesystem>

#include "tls/context.h"

using namespace postern;

TEST(Tls, GeneratesSelfSignedPairOnceWithPrivateKeyMode0600) {
  auto dir = std::filesystem::temp_directory_path() / ("postern-tls-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  auto made = tls::ensure_certificate(cert, key, "relay.test");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(*made);
  struct stat st{};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = tls::ensure_certificate(cert, key, "relay.test");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto ctx = tls::make_server_context(cert, key);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*ctx)->native_handle()), TLS1_2_VERSION);
  std::filesystem::remove_all(dir);
}

TEST(Tls, MissingFilesGiveAClearError) {
  auto ctx = tls::make_server_context("/nonexistent/cert.pem", "/nonexistent/key.pem");
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message.find("/nonexistent/cert.pem"), std::string::npos);
}
