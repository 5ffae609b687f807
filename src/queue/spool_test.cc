#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "queue/spool.h"

using namespace postern;
namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("postern-spool-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  queue::EnvelopeRecord env() {
    queue::EnvelopeRecord e;
    e.mail_from = "app@example.test";
    e.recipients = {"a@example.org", "b@example.org"};
    e.username = "crm";
    return e;
  }
  std::string dir_;
};

TEST_F(SpoolTest, StoresListsAndReadsBack) {
  queue::Spool spool(dir_);
  ASSERT_TRUE(spool.open().ok());
  auto id = spool.store(env(), "Subject: hi\r\n\r\nbody\r\n");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto all = spool.list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, *id);
  EXPECT_EQ(all[0].recipients.size(), 2u);
  EXPECT_EQ(*spool.read_message(*id), "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_TRUE(spool.remove(*id).ok());
  EXPECT_TRUE(spool.list().empty());
}

TEST_F(SpoolTest, EveryInjectedFaultIsAnErrorAndLeavesNothingQueued) {
  for (const char* step : {"write", "fsync", "rename", "dirsync"}) {
    std::string failing = step;
    queue::Spool spool(dir_, {[failing](const char* s) { return failing == s; }});
    ASSERT_TRUE(spool.open().ok());
    auto id = spool.store(env(), "x\r\n");
    EXPECT_FALSE(id.ok()) << step;
    EXPECT_TRUE(spool.list().empty()) << step;
    EXPECT_TRUE(fs::is_empty(dir_ + "/tmp")) << step;
  }
}

TEST_F(SpoolTest, OpenRemovesUnacknowledgedDebris) {
  queue::Spool spool(dir_);
  ASSERT_TRUE(spool.open().ok());
  { std::ofstream(dir_ + "/tmp/PARTIAL") << "half a message"; }
  ASSERT_TRUE(spool.open().ok());
  EXPECT_TRUE(fs::is_empty(dir_ + "/tmp"));
}

TEST(QueueId, TimeOrderedAndUnique) {
  std::set<std::string> ids;
  std::string prev;
  for (int i = 0; i < 1000; ++i) {
    auto id = queue::new_queue_id();
    EXPECT_EQ(id.size(), 18u);
    EXPECT_GE(id.substr(0, 10), prev.substr(0, prev.empty() ? 0 : 10));
    prev = id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(SpoolTest, RejectsPathTraversalIds) {
  queue::Spool spool(dir_);
  ASSERT_TRUE(spool.open().ok());
  EXPECT_FALSE(spool.find("../../etc/passwd").has_value());
  EXPECT_FALSE(spool.remove("../x").ok());
}
