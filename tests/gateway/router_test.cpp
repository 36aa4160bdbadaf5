#include <ssogate/gateway/router.hpp>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"

using namespace ssogate::gateway;

namespace {

http_request request(http_method m, std::string target)
{
    http_request r;
    r.method = m;
    r.target = std::move(target);
    return r;
}

http_response named(std::string name) { return http_response::text(200, std::move(name)); }

} // namespace

TEST_CASE("router runs the handler bound to the method and path", "[gateway][router]")
{
    ssogate::test::app_fixture app;
    router r;
    r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("get a"); });
    r.add(http_method::post, "/a", [](auto const&, auto const&, auto const&) { return named("post a"); });
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/a")).body == "get a");
    CHECK(r.dispatch(app.ctx, request(http_method::post, "/a?x=1")).body == "post a");
}

TEST_CASE("router answers 404 for a path no route matches", "[gateway][router]")
{
    ssogate::test::app_fixture app;
    router r;
    r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("a"); });
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/b")).status == 404);
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/a/")).status == 404);
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/a/b")).status == 404);
    CHECK(r.dispatch(app.ctx, request(http_method::get, "//a")).status == 404);
}

TEST_CASE("router answers 405 with Allow for a known path and another method", "[gateway][router]")
{
    ssogate::test::app_fixture app;
    router r;
    r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("a"); });
    r.add(http_method::delete_, "/a", [](auto const&, auto const&, auto const&) { return named("a"); });
    auto res = r.dispatch(app.ctx, request(http_method::put, "/a"));
    CHECK(res.status == 405);
    CHECK(res.headers.get("allow") == "GET, DELETE, HEAD");
}

TEST_CASE("router answers HEAD with the GET route", "[gateway][router]")
{
    ssogate::test::app_fixture app;
    router r;
    r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("a"); });
    CHECK(r.dispatch(app.ctx, request(http_method::head, "/a")).status == 200);
}

TEST_CASE("router binds {name} segments and prefers literal segments", "[gateway][router]")
{
    ssogate::test::app_fixture app;
    router r;
    r.add(http_method::get, "/sso/acs/{connection}",
          [](auto const&, auto const&, route_params const& p) { return named("param " + std::string(p.get("connection"))); });
    r.add(http_method::get, "/sso/acs/special", [](auto const&, auto const&, auto const&) { return named("literal"); });
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/sso/acs/okta-main")).body == "param okta-main");
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/sso/acs/special")).body == "literal");
    CHECK(r.dispatch(app.ctx, request(http_method::get, "/sso/acs/")).status == 404);
}

TEST_CASE("router refuses a duplicate route at startup", "[gateway][router]")
{
    router r;
    r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("a"); });
    CHECK_THROWS_AS(r.add(http_method::get, "/a", [](auto const&, auto const&, auto const&) { return named("b"); }),
                    std::logic_error);
    CHECK_THROWS_AS(r.add(http_method::get, "a", [](auto const&, auto const&, auto const&) { return named("b"); }),
                    std::logic_error);
}
