#include <ssogate/gateway/routes.hpp>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"

using namespace ssogate::gateway;
using ssogate::test::app_fixture;

namespace {

http_request get(std::string target)
{
    http_request r;
    r.method = http_method::get;
    r.target = std::move(target);
    r.remote_address = "192.0.2.1";
    return r;
}

void check_security_headers(http_response const& res)
{
    CHECK(res.headers.get("Strict-Transport-Security") == "max-age=63072000");
    CHECK(res.headers.get("X-Content-Type-Options") == "nosniff");
    CHECK(res.headers.get("Referrer-Policy") == "no-referrer");
    CHECK(res.headers.get("Cache-Control") == "no-store");
    CHECK(res.headers.get("X-Frame-Options") == "DENY");
    CHECK(res.headers.contains("Content-Security-Policy"));
}

} // namespace

TEST_CASE("healthz answers 200 ok", "[gateway][routes]")
{
    app_fixture app;
    auto res = handle_request(app.ctx, get("/healthz"));
    CHECK(res.status == 200);
    CHECK(res.body == "ok\n");
    CHECK(res.headers.get("content-type") == "text/plain; charset=utf-8");
    check_security_headers(res);
}

TEST_CASE("readyz answers 200 when the store answers a query", "[gateway][routes]")
{
    app_fixture app;
    auto res = handle_request(app.ctx, get("/readyz"));
    CHECK(res.status == 200);
    CHECK(res.body == "ready\n");
}

TEST_CASE("readyz answers 503 when the store has no free connection", "[gateway][routes]")
{
    // A real store whose only connection is held by another transaction: begin()
    // gives up after the busy timeout, as a wedged database would.
    ssogate::store::sqlite_options options;
    options.max_connections = 1;
    options.busy_timeout = std::chrono::milliseconds(50);
    app_fixture app(options);
    auto holder = app.store->begin(ssogate::store::access::write);
    REQUIRE(holder);

    auto res = handle_request(app.ctx, get("/readyz"));
    CHECK(res.status == 503);
    CHECK(res.body == "store unavailable\n");
    check_security_headers(res);
    CHECK(app.log.text().find("readyz: store unavailable") != std::string::npos);

    holder->reset();
    CHECK(handle_request(app.ctx, get("/readyz")).status == 200);
}

TEST_CASE("handle_request answers 404 and 405 with security headers", "[gateway][routes]")
{
    app_fixture app;
    auto missing = handle_request(app.ctx, get("/no-such-page"));
    CHECK(missing.status == 404);
    check_security_headers(missing);

    auto post = get("/healthz");
    post.method = http_method::post;
    auto wrong = handle_request(app.ctx, post);
    CHECK(wrong.status == 405);
    CHECK(wrong.headers.get("Allow") == "GET, HEAD");
    check_security_headers(wrong);
}

TEST_CASE("add_security_headers keeps a value the handler chose", "[gateway][routes]")
{
    http_response res = http_response::text(200, "x");
    res.headers.set("Cache-Control", "public, max-age=3600");
    add_security_headers(res);
    CHECK(res.headers.get("Cache-Control") == "public, max-age=3600");
    CHECK(res.headers.get("X-Content-Type-Options") == "nosniff");
}
