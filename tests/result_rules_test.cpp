#include "mergepipe/result_rules.h"

#include <gtest/gtest.h>

#include "mergepipe/error.h"

namespace {

using mergepipe::result_rules;

result_rules some_rules() {
  result_rules rules;
  rules.key = {"tenant", "/user/id"};
  rules.timestamp_fields = {"/meta/ts", "version"};
  rules.ts_unit = mergepipe::timestamp_unit::ms;
  rules.timestamp_format = "%m/%d/%Y";
  rules.delete_rules = {{"op", "d"}, {"/meta/deleted", "true"}};
  rules.keep = mergepipe::keep_record::first;
  rules.keep_deletes = true;
  rules.order = mergepipe::output_order::key;
  rules.format = mergepipe::output_format::array;
  return rules;
}

TEST(result_rules_test, text_form_reads_back_the_same_rules) {
  result_rules merging;
  merging.merge_fields = true;
  for (const result_rules& rules : {result_rules{}, some_rules(), merging}) {
    result_rules read;
    for (const mergepipe::rule_text& rule : rules.to_text()) read.set(rule.name, rule.value);
    EXPECT_EQ(read, rules);
  }
}

TEST(result_rules_test, text_form_speaks_the_command_line) {
  std::vector<mergepipe::rule_text> expected = {
      {"key", "tenant,/user/id"}, {"ts", "/meta/ts,version"}, {"ts-unit", "ms"},
      {"ts-format", "%m/%d/%Y"},  {"delete-when", "op=d"},    {"delete-when", "/meta/deleted=true"},
      {"keep", "first"},          {"keep-deletes", "true"},   {"merge-fields", "false"},
      {"order", "key"},           {"format", "array"}};
  EXPECT_EQ(some_rules().to_text(), expected);
}

void expect_usage_error(const std::string& name, const std::string& value,
                        const std::string& message) {
  result_rules rules;
  try {
    rules.set(name, value);
    ADD_FAILURE() << name << " " << value << " was accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
    EXPECT_EQ(e.reason(), message);
  }
}

TEST(result_rules_test, a_bad_value_is_one_plain_sentence) {
  expect_usage_error("ts-unit", "parsecs", "--ts-unit must be s, ms, us or ns, not \"parsecs\"");
  expect_usage_error("ts-unit", "1", "--ts-unit must be s, ms, us or ns, not \"1\"");
  expect_usage_error("order", "time", "--order must be input or key, not \"time\"");
  expect_usage_error("format", "csv", "--format must be ndjson or array, not \"csv\"");
  expect_usage_error("delete-when", "op", "delete rule \"op\" must be FIELD=VALUE");
  expect_usage_error("key", "a,,b", "invalid key \"a,,b\": empty field name");
  expect_usage_error("ts", "a,", "invalid timestamp fields \"a,\": empty field name");
  expect_usage_error("keep", "latest", "--keep must be last or first, not \"latest\"");
  expect_usage_error("keep-deletes", "yes", "--keep-deletes must be true or false, not \"yes\"");
  expect_usage_error("colour", "red", "unknown rule \"colour\"");
}

TEST(result_rules_test, validate_refuses_what_cannot_be_compiled) {
  EXPECT_NO_THROW(some_rules().validate());
  result_rules bad_pointer;
  bad_pointer.key = {"/a~2"};
  EXPECT_THROW(bad_pointer.validate(), mergepipe::error);
  result_rules bad_format;
  bad_format.timestamp_format = "%Q";
  EXPECT_THROW(bad_format.validate(), mergepipe::error);
}

// Partial files carry the fingerprint: files saved by earlier versions must still load, so
// its bytes never change for the same rules.
TEST(result_rules_test, fingerprint_is_stable_and_covers_what_decides_the_winner) {
  result_rules rules;
  EXPECT_EQ(rules.fingerprint(), 0x4155bf118c3dc67fu);
  rules.delete_rules = {{"op", "d"}};
  rules.ts_unit = mergepipe::timestamp_unit::ms;
  EXPECT_EQ(rules.fingerprint(), 0x6bdc7a0587b91994u);

  // Output order and format do not decide which record wins.
  result_rules laid_out = rules;
  laid_out.order = mergepipe::output_order::key;
  laid_out.format = mergepipe::output_format::array;
  EXPECT_EQ(laid_out.fingerprint(), rules.fingerprint());
  result_rules other_key = rules;
  other_key.key = {"email"};
  EXPECT_NE(other_key.fingerprint(), rules.fingerprint());
  result_rules other_ts = rules;
  other_ts.timestamp_fields = {};
  EXPECT_NE(other_ts.fingerprint(), rules.fingerprint());
  result_rules more_ts = rules;
  more_ts.timestamp_fields.push_back("version");
  EXPECT_NE(more_ts.fingerprint(), rules.fingerprint());
  result_rules first = rules;
  first.keep = mergepipe::keep_record::first;
  EXPECT_NE(first.fingerprint(), rules.fingerprint());
  result_rules merging = rules;
  merging.merge_fields = true;
  EXPECT_NE(merging.fingerprint(), rules.fingerprint());
  // Partial files hold the delete markers whether they are written or not.
  result_rules keeping_deletes = rules;
  keeping_deletes.keep_deletes = true;
  EXPECT_EQ(keeping_deletes.fingerprint(), rules.fingerprint());
}

TEST(result_rules_test, timestamp_fields_are_a_list) {
  EXPECT_EQ(mergepipe::parse_timestamp_list(""), std::vector<std::string>{});
  EXPECT_EQ(mergepipe::parse_timestamp_list("updated_at,/source/lsn"),
            (std::vector<std::string>{"updated_at", "/source/lsn"}));
  result_rules none;
  none.set("ts", "");
  EXPECT_TRUE(none.timestamp_fields.empty());
  EXPECT_EQ(none.to_text()[1], (mergepipe::rule_text{"ts", ""}));
}

// The command line offers every rule of the text form, once, in its order.
TEST(result_rules_test, rule_options_offer_every_rule_of_the_text_form) {
  std::vector<std::string> offered;
  for (const mergepipe::rule_option& option : mergepipe::rule_options()) {
    offered.push_back(option.name);
    EXPECT_FALSE(option.help.empty()) << option.name;
    EXPECT_EQ(option.repeatable, option.name == "delete-when") << option.name;
    EXPECT_EQ(option.flag, option.name == "keep-deletes" || option.name == "merge-fields")
        << option.name;
  }
  std::vector<std::string> in_text;
  for (const mergepipe::rule_text& rule : some_rules().to_text()) {
    if (in_text.empty() || in_text.back() != rule.name) in_text.push_back(rule.name);
  }
  EXPECT_EQ(offered, in_text);
  EXPECT_EQ(mergepipe::rule_options()[2].value_name, "s|ms|us|ns");
}

}  // namespace
