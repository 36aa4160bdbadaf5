#include <ssogate/scim/filter.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include <string>

using namespace ssogate::scim;

namespace {

// Barbara Jensen, after RFC 7643 §8.2, plus an enterprise extension and meta.
boost::json::object const& babs()
{
    static boost::json::object const user = boost::json::parse(R"({
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "externalId": "BJensen-Ext",
      "userName": "Bjensen@Example.com",
      "name": {"familyName": "O'Malley", "givenName": "Barbara"},
      "displayName": "Babs Jensen",
      "title": "Tour Guide",
      "userType": "Employee",
      "active": true,
      "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": true},
        {"value": "babs@jensen.org", "type": "home"}
      ],
      "ims": [{"value": "babs@foo.com", "type": "xmpp"}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984", "department": "Tour Operations",
        "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
      },
      "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
               "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff591\""}
    })").as_object();
    return user;
}

bool matches_babs(std::string_view text)
{
    auto f = parse_filter(text);
    REQUIRE(f.has_value());
    REQUIRE(validate_filter(*f, user_resource_type()).has_value());
    return matches(*f, babs(), user_resource_type());
}

scim_error filter_error(std::string_view text, filter_limits const& limits = {})
{
    auto f = parse_filter(text, limits);
    REQUIRE_FALSE(f.has_value());
    return f.error();
}

void check_invalid(std::string_view text)
{
    INFO(text);
    auto const e = filter_error(text);
    CHECK(e.code == errc::invalid_filter);
    CHECK(e.scim_type == "invalidFilter");
    CHECK(e.status == 400);
    CHECK(e.detail.find("position") != std::string::npos);
}

} // namespace

// --- RFC 7644 §3.4.2.2 examples ---------------------------------------------------------

TEST_CASE("the RFC 7644 filter examples parse and evaluate against Babs Jensen", "[scim][filter]")
{
    CHECK(matches_babs(R"(userName eq "bjensen@example.com")"));
    CHECK(matches_babs(R"(name.familyName co "O'Malley")"));
    CHECK(matches_babs(R"(userName sw "B")"));
    CHECK(matches_babs(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b")"));
    CHECK(matches_babs("title pr"));
    CHECK(matches_babs(R"(meta.lastModified gt "2011-05-13T04:42:33Z")"));
    CHECK(matches_babs(R"(meta.lastModified ge "2011-05-13T04:42:34Z")"));
    CHECK_FALSE(matches_babs(R"(meta.lastModified lt "2011-05-13T04:42:34Z")"));
    CHECK(matches_babs(R"(meta.lastModified le "2011-05-13T04:42:34Z")"));
    CHECK(matches_babs(R"(title pr and userType eq "Employee")"));
    CHECK(matches_babs(R"(title pr or userType eq "Intern")"));
    CHECK(matches_babs(R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"));
    CHECK(matches_babs(R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))"));
    CHECK_FALSE(
        matches_babs(R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))"));
    CHECK(matches_babs(R"(userType eq "Employee" and (emails.type eq "work"))"));
    CHECK(matches_babs(R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])"));
    CHECK(matches_babs(R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])"));
}

TEST_CASE("a user without the attribute matches ne, as ne is the negation of eq", "[scim][filter]")
{
    CHECK(matches_babs(R"(nickName ne "Babs")"));
    CHECK_FALSE(matches_babs(R"(userType ne "employee")"));
}

// --- operators -------------------------------------------------------------------------

TEST_CASE("every comparison operator compares strings case-insensitively unless caseExact", "[scim][filter]")
{
    CHECK(matches_babs(R"(displayName eq "babs jensen")"));
    CHECK(matches_babs(R"(displayName ne "Barbara")"));
    CHECK(matches_babs(R"(displayName co "BS JEN")"));
    CHECK(matches_babs(R"(displayName sw "BABS")"));
    CHECK(matches_babs(R"(displayName ew "JENSEN")"));
    CHECK(matches_babs(R"(displayName gt "Babs A")"));
    CHECK(matches_babs(R"(displayName ge "babs jensen")"));
    CHECK(matches_babs(R"(displayName lt "Babs Z")"));
    CHECK(matches_babs(R"(displayName le "BABS JENSEN")"));
    CHECK_FALSE(matches_babs(R"(displayName gt "Babs Z")"));
    CHECK(matches_babs("displayName pr"));
    CHECK_FALSE(matches_babs("nickName pr"));
}

TEST_CASE("userName compares case-insensitively while externalId and id are caseExact", "[scim][filter]")
{
    CHECK(matches_babs(R"(userName eq "BJENSEN@EXAMPLE.COM")"));
    CHECK(matches_babs(R"(externalId eq "BJensen-Ext")"));
    CHECK_FALSE(matches_babs(R"(externalId eq "bjensen-ext")"));
    CHECK_FALSE(matches_babs(R"(id eq "2819C223-7F76-453A-919D-413861904646")"));
}

TEST_CASE("attribute names, operators and keywords are case-insensitive", "[scim][filter]")
{
    CHECK(matches_babs(R"(USERNAME EQ "bjensen@example.com")"));
    CHECK(matches_babs(R"(Name.FamilyName Co "malley" AND Title PR)"));
    CHECK(matches_babs(R"(NOT (userType Eq "Intern") Or title pr)"));
    CHECK(matches_babs(R"(EMAILS[TYPE EQ "work"])"));
    CHECK(matches_babs(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:EMPLOYEENUMBER eq "701984")"));
}

TEST_CASE("booleans, null and numbers are literals", "[scim][filter]")
{
    CHECK(matches_babs("active eq true"));
    CHECK_FALSE(matches_babs("active eq false"));
    CHECK(matches_babs("active ne false"));
    CHECK(matches_babs("emails[primary eq true and type eq \"work\"]"));
    CHECK(matches_babs("nickName eq null"));
    CHECK_FALSE(matches_babs("title eq null"));
    auto f = parse_filter("x eq -1.5e3");
    REQUIRE(f.has_value());
    CHECK(f->root.value.as_double() == -1500.0);
}

TEST_CASE("strings in filters take JSON escapes", "[scim][filter]")
{
    auto f = parse_filter(R"(displayName eq "Babs \"B\" Jensen\u00e9\\")");
    REQUIRE(f.has_value());
    CHECK(f->root.value.as_string() == "Babs \"B\" Jensen\xc3\xa9\\");
    CHECK(matches_babs(R"(name.familyName eq "O\u0027Malley")"));
}

TEST_CASE("the enterprise extension is reached with its URN prefix or by its bare name", "[scim][filter]")
{
    CHECK(matches_babs(
        R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations")"));
    CHECK(matches_babs(R"(department sw "Tour")"));
    CHECK(matches_babs(
        R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d")"));
}

// --- precedence ------------------------------------------------------------------------

TEST_CASE("and binds tighter than or", "[scim][filter]")
{
    // false and false or true  == (false and false) or true == true
    CHECK(matches_babs(R"(userType eq "Intern" and title eq "x" or active eq true)"));
    // true or false and false  == true or (false and false) == true
    CHECK(matches_babs(R"(active eq true or userType eq "Intern" and title eq "x")"));
    // (true or false) and false == false
    CHECK_FALSE(matches_babs(R"((active eq true or userType eq "Intern") and title eq "x")"));
    auto f = parse_filter(R"(a pr or b pr and c pr)");
    REQUIRE(f.has_value());
    CHECK(to_string(*f) == "(a pr or (b pr and c pr))");
}

TEST_CASE("not negates a parenthesised filter", "[scim][filter]")
{
    CHECK(matches_babs(R"(not (userType eq "Intern"))"));
    CHECK_FALSE(matches_babs(R"(not(userType eq "Employee"))"));
    CHECK(matches_babs(R"(not (not (title pr)))"));
}

// --- value paths -----------------------------------------------------------------------

TEST_CASE("a value path matches when one element satisfies the whole inner filter", "[scim][filter]")
{
    CHECK(matches_babs(R"(emails[type eq "home" and value ew "jensen.org"])"));
    // Both conditions hold, but on different elements: no match.
    CHECK_FALSE(matches_babs(R"(emails[type eq "home" and value co "example.com"])"));
    CHECK(matches_babs(R"(emails[type eq "home" or (type eq "work" and primary eq true)])"));
    CHECK(matches_babs(R"(emails[not (type eq "work")])"));
}

TEST_CASE("a multi-valued attribute matches when any of its values does", "[scim][filter]")
{
    CHECK(matches_babs(R"(emails.value eq "babs@jensen.org")"));
    CHECK(matches_babs(R"(emails eq "BJENSEN@example.com")"));
    CHECK(matches_babs(R"(emails.type eq "home")"));
    CHECK_FALSE(matches_babs(R"(emails.type eq "other")"));
}

TEST_CASE("pr needs a value that is not null or empty", "[scim][filter]")
{
    auto const r = boost::json::parse(
                       R"({"userName":"x","nickName":"","title":null,"emails":[],"name":{"givenName":""},"addresses":[{}]})")
                       .as_object();
    for (auto const* text : {"nickName pr", "title pr", "emails pr", "name pr", "name.givenName pr", "addresses pr",
                             "profileUrl pr"}) {
        INFO(text);
        auto f = parse_filter(text);
        REQUIRE(f.has_value());
        CHECK_FALSE(matches(*f, r, user_resource_type()));
    }
}

TEST_CASE("attribute names in the resource are matched case-insensitively", "[scim][filter]")
{
    auto const r = boost::json::parse(R"({"USERNAME":"alice","Emails":[{"Value":"a@x.io","TYPE":"work"}]})").as_object();
    auto f = parse_filter(R"(userName eq "Alice" and emails[type eq "work"] and emails.value ew "x.io")");
    REQUIRE(f.has_value());
    CHECK(matches(*f, r, user_resource_type()));
}

TEST_CASE("groups filter by displayName and by member value", "[scim][filter]")
{
    auto const g = boost::json::parse(
                       R"({"displayName":"Engineering","members":[{"value":"u1","display":"Alice"},{"value":"u2"}]})")
                       .as_object();
    auto f = parse_filter(R"(displayName eq "engineering" and members[value eq "u2"])");
    REQUIRE(f.has_value());
    REQUIRE(validate_filter(*f, group_resource_type()).has_value());
    CHECK(matches(*f, g, group_resource_type()));
    auto h = parse_filter(R"(members eq "u3")");
    REQUIRE(h.has_value());
    CHECK_FALSE(matches(*h, g, group_resource_type()));
}

// --- indexed shapes --------------------------------------------------------------------

TEST_CASE("as_indexed_lookup recognises the equality filters Okta and Entra send before a create", "[scim][filter]")
{
    auto lookup = [](std::string_view text) {
        auto f = parse_filter(text);
        REQUIRE(f.has_value());
        return as_indexed_lookup(*f);
    };
    auto a = lookup(R"(userName eq "alice@example.com")");
    REQUIRE(a);
    CHECK(a->attribute == indexed_attribute::user_name);
    CHECK(a->value == "alice@example.com");
    CHECK_FALSE(a->case_exact);
    auto b = lookup(R"(externalId eq "00u1abcd")");
    REQUIRE(b);
    CHECK(b->attribute == indexed_attribute::external_id);
    CHECK(b->case_exact);
    auto c = lookup(R"(DisplayName EQ "Engineering")");
    REQUIRE(c);
    CHECK(c->attribute == indexed_attribute::display_name);
    auto d = lookup(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob")");
    REQUIRE(d);
    CHECK(d->value == "bob");
    CHECK_FALSE(lookup(R"(userName co "alice")"));
    CHECK_FALSE(lookup(R"(userName eq "a" and active eq true)"));
    CHECK_FALSE(lookup(R"(emails.value eq "a@x")"));
    CHECK_FALSE(lookup(R"(userName eq true)"));
}

// --- malformed filters -----------------------------------------------------------------

TEST_CASE("an empty filter is invalidFilter", "[scim][filter][reject]") { check_invalid("   "); }
TEST_CASE("an unknown operator is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(userName like "a")"); }
TEST_CASE("a missing value is invalidFilter", "[scim][filter][reject]") { check_invalid("userName eq"); }
TEST_CASE("a missing operator is invalidFilter", "[scim][filter][reject]") { check_invalid("userName"); }
TEST_CASE("an unterminated string is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(userName eq "abc)"); }
TEST_CASE("a bad escape in a string is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(userName eq "a\qb")"); }
TEST_CASE("an unquoted word value is invalidFilter", "[scim][filter][reject]") { check_invalid("userName eq bjensen"); }
TEST_CASE("a single-quoted value is invalidFilter", "[scim][filter][reject]") { check_invalid("userName eq 'bjensen'"); }
TEST_CASE("an unclosed parenthesis is invalidFilter", "[scim][filter][reject]") { check_invalid(R"((title pr and userType eq "x")"); }
TEST_CASE("an unbalanced closing parenthesis is invalidFilter", "[scim][filter][reject]") { check_invalid("title pr)"); }
TEST_CASE("an unclosed bracket is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(emails[type eq "work")"); }
TEST_CASE("a nested value path is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(emails[type[value eq "x"]])"); }
TEST_CASE("a dangling and is invalidFilter", "[scim][filter][reject]") { check_invalid("title pr and"); }
TEST_CASE("a leading or is invalidFilter", "[scim][filter][reject]") { check_invalid("or title pr"); }
TEST_CASE("two expressions without a logical operator are invalidFilter", "[scim][filter][reject]") { check_invalid("title pr nickName pr"); }
TEST_CASE("not without parentheses is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(not userName eq "x")"); }
TEST_CASE("an attribute name starting with a digit is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(1userName eq "x")"); }
TEST_CASE("a malformed number is invalidFilter", "[scim][filter][reject]") { check_invalid("x eq 1.2.3"); }
TEST_CASE("an operator glued to its value is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(userName eq"x")"); }
TEST_CASE("a sub-attribute path inside brackets is invalidFilter", "[scim][filter][reject]") { check_invalid(R"(emails[name.givenName eq "x"])"); }

TEST_CASE("the detail of an invalid filter names the position of the fault", "[scim][filter][reject]")
{
    auto const e = filter_error(R"(userName xx "a")");
    CHECK(e.detail.find("position 10") != std::string::npos);
    CHECK(e.detail.find("\"xx\"") != std::string::npos);
}

TEST_CASE("a filter longer than max_length is invalidFilter", "[scim][filter][reject][bounds]")
{
    filter_limits limits;
    limits.max_length = 20;
    CHECK(parse_filter(R"(userName eq "abcd")", limits).has_value());
    auto const e = filter_error(R"(userName eq "abcdefghij")", limits);
    CHECK(e.code == errc::filter_too_long);
    CHECK(e.scim_type == "invalidFilter");
}

TEST_CASE("a filter nested deeper than max_depth is invalidFilter", "[scim][filter][reject][bounds]")
{
    filter_limits limits;
    limits.max_depth = 3;
    CHECK(parse_filter("((title pr))", limits).has_value());
    auto const e = filter_error("(((title pr)))", limits);
    CHECK(e.code == errc::filter_too_deep);
    CHECK(e.scim_type == "invalidFilter");
    CHECK(filter_error("not (not (not (title pr)))", limits).code == errc::filter_too_deep);
}

TEST_CASE("a pathologically deep filter is refused by the default bounds, not by the stack", "[scim][filter][reject][bounds]")
{
    std::string deep(2000, '(');
    deep += "title pr";
    deep += std::string(2000, ')');
    CHECK(filter_error(deep).code == errc::filter_too_deep);
    std::string longer(5000, '(');
    CHECK(filter_error(longer).code == errc::filter_too_long);
}

// --- validation against the schema -------------------------------------------------------

TEST_CASE("validate_filter refuses unknown attributes and meaningless operators", "[scim][filter][reject]")
{
    auto invalid = [](std::string_view text, resource_type_def const& type) {
        auto f = parse_filter(text);
        REQUIRE(f.has_value());
        auto r = validate_filter(*f, type);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().scim_type == "invalidFilter");
    };
    invalid(R"(shoeSize eq "42")", user_resource_type());
    invalid(R"(name.nickname eq "x")", user_resource_type());
    invalid("active gt true", user_resource_type());
    invalid("active co \"t\"", user_resource_type());
    invalid(R"(userName[value eq "x"])", user_resource_type());
    invalid(R"(password eq "secret")", user_resource_type());
    invalid(R"(userName eq "x")", group_resource_type());
    invalid(R"(urn:example:unknown:foo eq "x")", user_resource_type());
}

TEST_CASE("random filter text either parses or is refused with invalidFilter, never crashes", "[scim][filter][reject]")
{
    // Deterministic: a fixed linear congruential sequence over the filter alphabet.
    constexpr std::string_view alphabet = R"(abcEQ eqnotandor()[]"\.:pr01-tfu)";
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    for (int i = 0; i < 5000; ++i) {
        std::string text;
        auto const len = next() % 40;
        for (std::uint32_t j = 0; j < len; ++j)
            text += alphabet[next() % alphabet.size()];
        auto f = parse_filter(text);
        if (f) {
            (void)matches(*f, babs(), user_resource_type());
            (void)to_string(*f);
        } else {
            INFO(text);
            CHECK(f.error().scim_type == "invalidFilter");
        }
    }
}

TEST_CASE("an invalid filter renders as a 400 SCIM error with scimType invalidFilter", "[scim][filter][reject]")
{
    auto const j = to_json(filter_error("userName eq")).as_object();
    CHECK(j.at("status") == "400");
    CHECK(j.at("scimType") == "invalidFilter");
    CHECK(j.at("detail").as_string().starts_with("invalid filter at position"));
}

TEST_CASE("dateTime values compare as instants, not as text", "[scim][filter]")
{
    // Babs was last modified at 2011-05-13T04:42:34Z.
    CHECK(matches_babs(R"(meta.lastModified lt "2011-05-13T04:42:34.5Z")"));
    CHECK(matches_babs(R"(meta.lastModified eq "2011-05-13T06:42:34+02:00")"));
    CHECK(matches_babs(R"(meta.lastModified gt "2011-05-13T00:42:34-03:59")"));
    CHECK(matches_babs(R"(meta.lastModified eq "2011-05-13T04:42:34.000Z")"));
    CHECK_FALSE(matches_babs(R"(meta.lastModified gt "2011-05-13T04:42:34.001Z")"));
    CHECK(matches_babs(R"(meta.created sw "2010-01")"));
}

TEST_CASE("Entra's work-email lookup emails[type eq \"work\"].value eq \"…\" compares the value of a work email",
          "[scim][filter]")
{
    // Entra looks users up by their work email with a sub-attribute after the brackets,
    // outside RFC 7644's grammar; it reads as emails[type eq "work" and value eq "…"].
    CHECK(matches_babs(R"(emails[type eq "work"].value eq "bjensen@example.com")"));
    CHECK(matches_babs(R"(Emails[Type eq "work"].Value EQ "BJENSEN@example.com")"));
    // The home email's value with type work: no single element satisfies both.
    CHECK_FALSE(matches_babs(R"(emails[type eq "work"].value eq "babs@jensen.org")"));
    CHECK(matches_babs(R"(emails[type eq "home"].value ew "jensen.org" and userName sw "bjensen")"));
    CHECK(matches_babs(R"(emails[type eq "work"].value pr)"));
}

TEST_CASE("a value path followed by a bad sub-attribute or no operator is invalidFilter", "[scim][filter][reject]")
{
    check_invalid(R"(emails[type eq "work"]. eq "x")");
    check_invalid(R"(emails[type eq "work"].1value eq "x")");
    check_invalid(R"(emails[type eq "work"].value)");
    check_invalid(R"(emails[type eq "work"].value zz "x")");
    auto f = parse_filter(R"(emails[type eq "work"].nope eq "x")");
    REQUIRE(f.has_value());
    CHECK_FALSE(validate_filter(*f, user_resource_type()).has_value());
}
