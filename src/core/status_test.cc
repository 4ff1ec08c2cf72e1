#include "core/status.h"

#include <gtest/gtest.h>

#include <iterator>
#include <memory>
#include <set>
#include <string>

namespace proprio {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.field(), "");
  EXPECT_EQ(s.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, FactoriesSetTheirCode) {
  struct Case {
    Status status;
    StatusCode code;
    const char* name;
  };
  const Case cases[] = {
      {Status::InvalidArgument("m"), StatusCode::kInvalidArgument, "invalid_argument"},
      {Status::NotFound("m"), StatusCode::kNotFound, "not_found"},
      {Status::AlreadyExists("m"), StatusCode::kAlreadyExists, "already_exists"},
      {Status::FailedPrecondition("m"), StatusCode::kFailedPrecondition, "failed_precondition"},
      {Status::PermissionDenied("m"), StatusCode::kPermissionDenied, "permission_denied"},
      {Status::Unauthenticated("m"), StatusCode::kUnauthenticated, "unauthenticated"},
      {Status::ResourceExhausted("m"), StatusCode::kResourceExhausted, "resource_exhausted"},
      {Status::Aborted("m"), StatusCode::kAborted, "aborted"},
      {Status::DataLoss("m"), StatusCode::kDataLoss, "data_loss"},
      {Status::Unavailable("m"), StatusCode::kUnavailable, "unavailable"},
      {Status::Internal("m"), StatusCode::kInternal, "internal"},
  };
  std::set<std::string> names;
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok()) << c.name;
    EXPECT_EQ(c.status.code(), c.code) << c.name;
    EXPECT_EQ(c.status.message(), "m") << c.name;
    EXPECT_STREQ(StatusCodeName(c.code), c.name);
    EXPECT_EQ(c.status.ToString(), std::string(c.name) + ": m");
    names.insert(c.name);
  }
  EXPECT_EQ(names.size(), std::size(cases));  // every code has its own name
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "ok");
}

TEST(StatusTest, FieldIsKeptForInputErrors) {
  Status s = Status::InvalidArgument("email is not an e-mail address", "email");
  EXPECT_EQ(s.field(), "email");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_FALSE(s.IsNotFound());
  Status dup = Status::AlreadyExists("taken", "account_number");
  EXPECT_EQ(dup.field(), "account_number");
  EXPECT_TRUE(dup.IsAlreadyExists());
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_EQ(Status::NotFound("x").field(), "");
}

TEST(StatusTest, WithContextPrefixesAndKeepsCodeAndField) {
  Status s = Status::InvalidArgument("bad digit", "telephone_numbers").WithContext("row 12");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "row 12: bad digit");
  EXPECT_EQ(s.field(), "telephone_numbers");
  EXPECT_EQ(s.ToString(), "invalid_argument: row 12: bad digit");
  // An OK status stays OK and gains no message.
  Status ok = Status::Ok().WithContext("row 12");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.message(), "");
}

TEST(ResultTest, HoldsAValue) {
  Result<int> r = 42;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(r.value_or(7), 42);
  *r = 43;
  EXPECT_EQ(r.value(), 43);
}

TEST(ResultTest, HoldsAnError) {
  Result<int> r = Status::NotFound("no customer 9");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no customer 9");
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(ResultTest, MoveOnlyValuesAndArrow) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 3u);
  std::unique_ptr<std::string> taken = std::move(r).value();
  EXPECT_EQ(*taken, "abc");

  Result<std::string> s = std::string("hello");
  EXPECT_EQ(s->size(), 5u);
}

TEST(ResultDeathTest, BuiltFromOkStatusIsABug) {
  // Debug builds assert; release builds turn it into an Internal error.
  EXPECT_DEBUG_DEATH(
      {
        Result<int> r = Status::Ok();
        EXPECT_EQ(r.status().code(), StatusCode::kInternal);
        EXPECT_FALSE(r.ok());
      },
      "OK status");
}

// ---- RETURN_IF_ERROR and ASSIGN_OR_RETURN ----

int g_calls = 0;

Status Step(bool fail) {
  ++g_calls;
  return fail ? Status::Unavailable("database is down") : Status::Ok();
}

Result<int> Number(bool fail, int value) {
  ++g_calls;
  if (fail) return Status::InvalidArgument("not a number", "n");
  return value;
}

Status TwoSteps(bool fail_first, bool fail_second, int* reached) {
  RETURN_IF_ERROR(Step(fail_first));
  *reached = 1;
  RETURN_IF_ERROR(Step(fail_second));
  *reached = 2;
  return Status::Ok();
}

Status ReturnIfErrorOnResult(bool fail, int* reached) {
  RETURN_IF_ERROR(Number(fail, 5));
  *reached = 1;
  return Status::Ok();
}

Result<int> Sum(bool fail_a, bool fail_b) {
  ASSIGN_OR_RETURN(int a, Number(fail_a, 40));
  ASSIGN_OR_RETURN(const int b, Number(fail_b, 2));
  return a + b;
}

Status AssignExisting(std::string* out) {
  std::string local = "unchanged";
  ASSIGN_OR_RETURN(local, Result<std::string>(std::string("assigned")));
  *out = local;
  return Status::Ok();
}

TEST(StatusMacrosTest, ReturnIfErrorContinuesOnOk) {
  int reached = 0;
  g_calls = 0;
  EXPECT_TRUE(TwoSteps(false, false, &reached).ok());
  EXPECT_EQ(reached, 2);
  EXPECT_EQ(g_calls, 2);
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsTheFirstError) {
  int reached = 0;
  g_calls = 0;
  Status s = TwoSteps(true, false, &reached);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "database is down");
  EXPECT_EQ(reached, 0);
  EXPECT_EQ(g_calls, 1);  // the second step never ran

  reached = 0;
  s = TwoSteps(false, true, &reached);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(reached, 1);
}

TEST(StatusMacrosTest, ReturnIfErrorTakesAResult) {
  int reached = 0;
  Status s = ReturnIfErrorOnResult(true, &reached);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "n");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(ReturnIfErrorOnResult(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

TEST(StatusMacrosTest, AssignOrReturn) {
  g_calls = 0;
  Result<int> ok = Sum(false, false);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  EXPECT_EQ(g_calls, 2);  // each expression evaluated exactly once

  g_calls = 0;
  Result<int> first = Sum(true, false);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(first.status().message(), "not a number");
  EXPECT_EQ(g_calls, 1);

  Result<int> second = Sum(false, true);
  EXPECT_EQ(second.status().code(), StatusCode::kInvalidArgument);

  std::string out;
  ASSERT_TRUE(AssignExisting(&out).ok());
  EXPECT_EQ(out, "assigned");
}

}  // namespace
}  // namespace proprio
