#include "services/secure_random.h"

#include <gtest/gtest.h>

#include <set>

namespace proprio::services {
namespace {

TEST(SecureRandomTest, RandHexGivesLowercaseDigitsOfTheAskedLength) {
  Result<std::string> a = RandHex(16);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->size(), 32u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos) << *a;
}

TEST(SecureRandomTest, RandBytesDoNotRepeat) {
  // 1,000 draws of 128 bits: a repeat would mean a broken generator.
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    Result<std::string> h = RandHex(16);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(seen.insert(*h).second) << "repeated " << *h;
  }
  // Every byte value turns up over 64 KiB (each is missed with p ~ 1e-111).
  std::string bytes(1 << 16, '\0');
  ASSERT_TRUE(RandBytes(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size()).ok());
  std::set<unsigned char> values(bytes.begin(), bytes.end());
  EXPECT_EQ(values.size(), 256u);
}

TEST(SecureRandomTest, ZeroBytesIsFine) {
  EXPECT_TRUE(RandBytes(nullptr, 0).ok());
  Result<std::string> h = RandHex(0);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "");
}

}  // namespace
}  // namespace proprio::services
