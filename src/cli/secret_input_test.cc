// Reading secrets from a pipe (cli/secret_input.h): one line each, nothing
// more consumed; the terminal case is tested through a pseudo-terminal in
// tests/e2e/cli_conventions_test.cc.
#include "cli/secret_input.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace proprio::cli {
namespace {

class Pipe {
 public:
  explicit Pipe(const std::string& text) {
    EXPECT_EQ(::pipe(fds_), 0);
    EXPECT_EQ(::write(fds_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fds_[1]);
  }
  ~Pipe() { ::close(fds_[0]); }
  int fd() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
};

TEST(SecretInputTest, APipeGivesOneLineAtATime) {
  Pipe p("first secret\r\nsecond\nthird");
  auto a = ReadSecretLineFrom(p.fd(), -1, "unused: ", "password");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "first secret");  // the CR of CRLF dropped
  auto b = ReadSecretLineFrom(p.fd(), -1, "unused: ", "password");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "second");  // left unread by the first
  auto c = ReadSecretLineFrom(p.fd(), -1, "unused: ", "password");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "third");  // the end of input ends the last line
  auto d = ReadSecretLineFrom(p.fd(), -1, "unused: ", "password");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "");  // nothing left: the empty secret, refused by the service
}

TEST(SecretInputTest, TooLongALineIsRefusedNamingTheField) {
  Pipe p(std::string(kMaxSecretLineBytes + 1, 'x') + "\nnext\n");
  auto a = ReadSecretLineFrom(p.fd(), -1, "", "answer");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().field(), "answer");
  // The long line was read to its end, not beyond.
  auto b = ReadSecretLineFrom(p.fd(), -1, "", "answer");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "next");
  Pipe exact(std::string(kMaxSecretLineBytes, 'y') + "\n");
  auto e = ReadSecretLineFrom(exact.fd(), -1, "", "answer");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->size(), kMaxSecretLineBytes);
}

}  // namespace
}  // namespace proprio::cli
