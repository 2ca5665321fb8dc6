#pragma once

#include <string_view>

// Word lists for the generated records. Every entry is already a valid JSON string body, so
// records are assembled by copying bytes, never escaped at run time.

namespace mpgen::words {

struct name {
  std::string_view text;  // as written in the record, UTF-8
  std::string_view slug;  // lower-case ASCII, for e-mail addresses
};

inline constexpr name first_names[] = {
    {"Ada", "ada"},         {"Alan", "alan"},         {"Grace", "grace"},
    {"Linus", "linus"},     {"Margaret", "margaret"}, {"Dennis", "dennis"},
    {"Barbara", "barbara"}, {"Ken", "ken"},           {"Frances", "frances"},
    {"Edsger", "edsger"},   {"Radia", "radia"},       {"Donald", "donald"},
    {"Hedy", "hedy"},       {"Tim", "tim"},           {"Katherine", "katherine"},
    {"John", "john"},       {"Mary", "mary"},         {"James", "james"},
    {"Olivia", "olivia"},   {"Liam", "liam"},         {"Emma", "emma"},
    {"Noah", "noah"},       {"Ava", "ava"},           {"Lucas", "lucas"},
    {"Zoë", "zoe"},         {"José", "jose"},         {"Łukasz", "lukasz"},
    {"Søren", "soren"},     {"Chloé", "chloe"},       {"Björn", "bjorn"},
    {"Ngọc", "ngoc"},       {"Ayşe", "ayse"},         {"Дмитрий", "dmitry"},
    {"陽菜", "hina"},
};

inline constexpr name last_names[] = {
    {"Lovelace", "lovelace"}, {"Turing", "turing"},
    {"Hopper", "hopper"},     {"Torvalds", "torvalds"},
    {"Hamilton", "hamilton"}, {"Ritchie", "ritchie"},
    {"Liskov", "liskov"},     {"Thompson", "thompson"},
    {"Allen", "allen"},       {"Dijkstra", "dijkstra"},
    {"Perlman", "perlman"},   {"Knuth", "knuth"},
    {"Lamarr", "lamarr"},     {"Berners-Lee", "bernerslee"},
    {"Johnson", "johnson"},   {"Smith", "smith"},
    {"Brown", "brown"},       {"Williams", "williams"},
    {"Garcia", "garcia"},     {"Miller", "miller"},
    {"Davis", "davis"},       {"Wilson", "wilson"},
    {"O'Brien", "obrien"},    {"Müller", "muller"},
    {"García", "garcia"},     {"Søndergaard", "sondergaard"},
    {"Nowak", "nowak"},       {"Đặng", "dang"},
    {"Yılmaz", "yilmaz"},     {"Иванов", "ivanov"},
    {"山田", "yamada"},
};

inline constexpr std::string_view domains[] = {
    "example.com", "example.org", "example.net", "mail.test", "corp.example", "users.invalid",
};

inline constexpr std::string_view genders[] = {
    "Female",  "Male",     "Female",      "Male",       "Non-binary",
    "Agender", "Bigender", "Genderfluid", "Polygender", "Genderqueer",
};

inline constexpr std::string_view streets[] = {
    "Main",    "Oak",     "Pine",  "Maple",  "Cedar",  "Elm",     "Washington",
    "Lake",    "Hill",    "Park",  "Sunset", "River",  "Church",  "Mill",
    "Station", "Bahnhof", "Birch", "Willow", "Linden", "Åsgatan",
};

inline constexpr std::string_view street_suffixes[] = {
    "St", "Ave", "Rd", "Blvd", "Lane", "Way", "Court", "Drive", "Plaza",
};

inline constexpr std::string_view cities[] = {
    "Springfield", "Riverside", "Fairview",  "Georgetown", "Portland",  "Madison",
    "Franklin",    "Clinton",   "Salem",     "Bristol",    "Chester",   "Oxford",
    "München",     "Zürich",    "São Paulo", "Kraków",     "Reykjavík", "Québec",
    "Malmö",       "İzmir",     "東京",      "北京",       "Москва",    "Αθήνα",
};

inline constexpr std::string_view tags[] = {
    "alpha",   "beta",  "gamma",   "delta",      "vip",         "new",
    "churned", "trial", "premium", "newsletter", "beta-tester", "wholesale",
};

inline constexpr std::string_view plain_notes[] = {
    "Call back after 5pm",       "Prefers e-mail",         "VIP customer since 2019",
    "Asked for an invoice copy", "Moved to a new address", "Do not contact on weekends",
    "Referred by a friend",      "Account reviewed",
};

// Strings that break splitters which look for `},{`, brackets, quotes or newlines without
// tracking whether they are inside a string.
inline constexpr std::string_view tricky_notes[] = {
    R"(two orders},{\"id\":1,\"op\":\"d\"})",
    R"(closing }]} and opening [{[ brackets)",
    R"(},{)",
    R"(she said \"hi\" and left)",
    R"(path C:\\Users\\zoe\\docs)",
    R"(ends in a backslash \\)",
    R"(ends in a quote \")",
    R"(line one\nline two\r\n\ttabbed)",
    R"(Zoë from 東京 paid €12 🎉)",
    R"(escaped \u00e9\u6771 and \ud83d\ude00)",
    R"(fake fields \"updated_at\":\"1999-01-01T00:00:00Z\",\"id\":0)",
    R"({\"nested\":[\"json\",\"in a string\"]})",
    R"(\/slashes\/ and \b\f controls)",
    R"(   spaces around   )",
    R"()",
    R"([1,2,3],\n{\"a\":[]}\n])",
};

}  // namespace mpgen::words
