// The top-level fields of validated objects, as their text spells them, and names unescaped.

#include "merge/object_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using mergepipe::detail::object_field;
using mergepipe::detail::object_fields;
using mergepipe::detail::unescaped;

std::vector<std::pair<std::string, std::string>> fields_of(std::string_view object) {
  std::vector<std::pair<std::string, std::string>> out;
  object_fields fields(object);
  for (object_field f; fields.next(f);) out.emplace_back(f.spelling, f.value);
  return out;
}

TEST(object_fields_test, values_end_where_their_strings_and_nesting_say) {
  using list = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(fields_of("{}"), list{});
  EXPECT_EQ(fields_of("{ \t\r\n}"), list{});
  EXPECT_EQ(fields_of(R"({"a":1,"b":-2.5e3,"c":true,"d":null})"),
            (list{{"a", "1"}, {"b", "-2.5e3"}, {"c", "true"}, {"d", "null"}}));
  EXPECT_EQ(fields_of("{ \"a\" :\n 1 ,\t\"b\" : [ 1, { \"x\" : \"]}\" } ] }"),
            (list{{"a", "1"}, {"b", "[ 1, { \"x\" : \"]}\" } ]"}}));
  EXPECT_EQ(fields_of(R"({"q\"uote":"a\\","e\\":"\"},{\"","n":{"":{}}})"),
            (list{{R"(q\"uote)", R"("a\\")"}, {R"(e\\)", R"("\"},{\"")"}, {"n", R"({"":{}})"}}));
  EXPECT_EQ(fields_of(R"({"a":1,"a":2})"), (list{{"a", "1"}, {"a", "2"}}));
}

TEST(object_fields_test, names_are_unescaped) {
  EXPECT_EQ(unescaped("plain"), "plain");
  EXPECT_EQ(unescaped(R"(\u0061\"\\\/\b\f\n\r\t)"), "a\"\\/\b\f\n\r\t");
  EXPECT_EQ(unescaped(R"(\u00e9\u6771)"), "\xC3\xA9\xE6\x9D\xB1");
  EXPECT_EQ(unescaped(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(unescaped(R"(x\u0000y)"), std::string("x\0y", 3));
}

}  // namespace
