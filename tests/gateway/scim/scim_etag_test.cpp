// ETags and preconditions (RFC 7644 §3.14) on Users and Groups, against the real
// server and store: every single-resource response carries `ETag` equal to
// `meta.version`; If-None-Match on GET answers 304; If-Match / If-None-Match that the
// current version fails on PUT, PATCH and DELETE answer 412 and change nothing.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string const user_body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"etag@example.com",
  "name":{"givenName":"Eta","familyName":"Gee"},"active":true})";

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

std::string version_of(scim_reply const& r)
{
    return std::string(r.object().at("meta").at("version").as_string());
}

} // namespace

TEST_CASE("every User response carries an ETag equal to meta.version, a weak tag that changes with each write",
          "[gateway][scim][etag]")
{
    scim_server s;
    auto created = s.okta_call("POST", "/Users", user_body);
    REQUIRE(created.status() == 201);
    auto const id = created.str("id");
    CHECK(version_of(created) == "W/\"1\"");
    CHECK(created.raw.header("etag") == version_of(created));
    auto got = s.okta_call("GET", "/Users/" + id);
    CHECK(got.raw.header("etag") == "W/\"1\"");
    auto patched = s.okta_call("PATCH", "/Users/" + id, patch(R"([{"op":"replace","path":"displayName","value":"E"}])"));
    REQUIRE(patched.status() == 200);
    CHECK(patched.raw.header("etag") == "W/\"2\"");
    CHECK(version_of(patched) == "W/\"2\"");
    // Lists carry meta.version in each resource (no ETag header on a list).
    auto listed = s.okta_call("GET", "/Users");
    CHECK(listed.object().at("Resources").as_array().at(0).at("meta").at("version") == "W/\"2\"");
    CHECK(listed.raw.header("etag").empty());
}

TEST_CASE("GET with If-None-Match of the current version answers 304 without a body, else the resource",
          "[gateway][scim][etag]")
{
    scim_server s;
    auto const id = s.okta_call("POST", "/Users", user_body).str("id");
    auto same = s.send("GET", "/scim/v2/okta/Users/" + id, "", s.okta, "If-None-Match: W/\"1\"\r\n");
    CHECK(same.status() == 304);
    CHECK(same.raw.body.empty());
    CHECK(same.raw.header("etag") == "W/\"1\"");
    auto star = s.send("GET", "/scim/v2/okta/Users/" + id, "", s.okta, "If-None-Match: *\r\n");
    CHECK(star.status() == 304);
    auto other = s.send("GET", "/scim/v2/okta/Users/" + id, "", s.okta, "If-None-Match: W/\"0\"\r\n");
    CHECK(other.status() == 200);
    CHECK(other.str("id") == id);
    // If-Match on GET with a stale version: 412.
    check_error(s.send("GET", "/scim/v2/okta/Users/" + id, "", s.okta, "If-Match: W/\"7\"\r\n"), 412, "");
}

TEST_CASE("PUT, PATCH and DELETE with a stale If-Match answer 412 and change nothing; the current one goes through",
          "[gateway][scim][etag][reject]")
{
    scim_server s;
    auto const id = s.okta_call("POST", "/Users", user_body).str("id");
    auto const target = "/scim/v2/okta/Users/" + id;
    auto const stale = std::string("If-Match: W/\"0\"\r\n");
    auto const replaced = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"etag@example.com",
      "displayName":"Replaced","active":true})";

    auto put = s.send("PUT", target, replaced, s.okta, stale);
    check_error(put, 412, "");
    CHECK(put.raw.header("etag") == "W/\"1\"");
    CHECK(put.str("detail").find("W/\"1\"") != std::string::npos);
    check_error(s.send("PATCH", target, patch(R"([{"op":"replace","value":{"active":false}}])"), s.okta, stale), 412,
                "");
    check_error(s.send("DELETE", target, "", s.okta, stale), 412, "");
    // If-None-Match: * on a write means "only if it does not exist": it does.
    check_error(s.send("PUT", target, replaced, s.okta, "If-None-Match: *\r\n"), 412, "");
    auto unchanged = s.okta_call("GET", "/Users/" + id);
    CHECK(version_of(unchanged) == "W/\"1\"");
    CHECK(unchanged.object().at("active").as_bool());
    CHECK_FALSE(unchanged.object().contains("displayName"));
    CHECK(s.events("scim.user.updated").empty());

    // The current version (as read) and * go through.
    auto ok = s.send("PUT", target, replaced, s.okta, "If-Match: W/\"1\"\r\n");
    REQUIRE(ok.status() == 200);
    CHECK(ok.raw.header("etag") == "W/\"2\"");
    auto ok2 = s.send("PATCH", target, patch(R"([{"op":"replace","path":"displayName","value":"Again"}])"), s.okta,
                      "If-Match: *\r\n");
    REQUIRE(ok2.status() == 200);
    CHECK(s.send("DELETE", target, "", s.okta, "If-Match: \"3\"\r\n").status() == 204);
}

TEST_CASE("Groups honour ETag, If-None-Match and If-Match the same way", "[gateway][scim][etag][reject]")
{
    scim_server s;
    auto created = s.okta_call("POST", "/Groups",
                               R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Etag Team"})");
    REQUIRE(created.status() == 201);
    auto const gid = created.str("id");
    CHECK(created.raw.header("etag") == version_of(created));
    auto const target = "/scim/v2/okta/Groups/" + gid;
    CHECK(s.send("GET", target, "", s.okta, "If-None-Match: " + version_of(created) + "\r\n").status() == 304);
    auto const rename = patch(R"([{"op":"replace","path":"displayName","value":"Etag Team 2"}])");
    check_error(s.send("PATCH", target, rename, s.okta, "If-Match: W/\"999\"\r\n"), 412, "");
    check_error(s.send("PUT", target,
                       R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"X"})", s.okta,
                       "If-Match: W/\"999\"\r\n"),
                412, "");
    check_error(s.send("DELETE", target, "", s.okta, "If-Match: W/\"999\"\r\n"), 412, "");
    CHECK(s.okta_call("GET", "/Groups/" + gid).str("displayName") == "Etag Team");
    auto renamed = s.send("PATCH", target, rename, s.okta, "If-Match: " + version_of(created) + "\r\n");
    REQUIRE(renamed.status() == 200);
    CHECK(renamed.raw.header("etag") != created.raw.header("etag"));
}
