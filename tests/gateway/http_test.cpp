#include <ssogate/gateway/http.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::gateway;

TEST_CASE("header_fields look names up case-insensitively", "[gateway][http]")
{
    header_fields h;
    h.set("Content-Type", "text/plain");
    CHECK(h.get("content-type") == "text/plain");
    CHECK(h.get("CONTENT-TYPE") == "text/plain");
    CHECK_FALSE(h.get("content-length").has_value());
    h.set("content-type", "text/html");
    CHECK(h.size() == 1);
    CHECK(h.get("Content-Type") == "text/html");
}

TEST_CASE("header_fields keep repeated fields added with add", "[gateway][http]")
{
    header_fields h;
    h.add("Set-Cookie", "a=1");
    h.add("set-cookie", "b=2");
    CHECK(h.size() == 2);
    CHECK(h.get("Set-Cookie") == "a=1");
    h.erase("SET-COOKIE");
    CHECK(h.size() == 0);
}

TEST_CASE("http_request splits path and query at the first question mark", "[gateway][http]")
{
    http_request r;
    r.target = "/sso/login/okta?return_to=/a?b";
    CHECK(r.path() == "/sso/login/okta");
    CHECK(r.query() == "return_to=/a?b");
    r.target = "/healthz";
    CHECK(r.path() == "/healthz");
    CHECK(r.query().empty());
}

TEST_CASE("to_string names every method", "[gateway][http]")
{
    CHECK(to_string(http_method::get) == "GET");
    CHECK(to_string(http_method::delete_) == "DELETE");
    CHECK(to_string(http_method::other) == "OTHER");
}
