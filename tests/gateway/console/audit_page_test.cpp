// The console's audit log page, its live stream and the chain check, through the
// handlers (no socket): newest first, filters, escaping of hostile event fields, a
// long detail, the SSE stream resuming after Last-Event-ID, and verify.
#include <ssogate/gateway/console.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/console_fixture.hpp"
#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>

using namespace ssogate;
using namespace ssogate::test::sso;
using namespace ssogate::test::console;

namespace {

std::int64_t append(sso_app& app, store::audit_event e)
{
    static int n = 0;
    e.id = "console-test-" + std::to_string(++n);
    e.time = *app.now;
    auto tx = app.store->begin(store::access::write);
    REQUIRE(tx.has_value());
    auto r = (*tx)->audit().append(e);
    REQUIRE(r.has_value());
    REQUIRE((*tx)->commit().has_value());
    gateway::process_audit_notifier().notify();
    return r->seq;
}

store::audit_event event(std::string action, std::string actor_id, std::string status, std::string connection = {})
{
    store::audit_event e;
    e.action = std::move(action);
    e.actor_type = "user";
    e.actor_id = std::move(actor_id);
    e.result_status = std::move(status);
    e.connection_id = std::move(connection);
    return e;
}

/// The next chunk of a stream (fails the test after 5 s).
std::optional<std::string> pull(gateway::body_stream& s)
{
    auto p = std::make_shared<std::promise<std::optional<std::string>>>();
    auto f = p->get_future();
    s.pull([p](std::optional<std::string> chunk) { p->set_value(std::move(chunk)); });
    REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    return f.get();
}

} // namespace

TEST_CASE("the console audit page lists the newest events first", "[gateway][console][audit]")
{
    sso_app app;
    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto first = append(app, event("test.first", "u1", "success"));
    auto second = append(app, event("test.second", "u2", "failure"));
    auto page = app.get(b, "/admin/audit");
    REQUIRE(page.status == 200);
    auto a = page.body.find("data-seq=\"" + std::to_string(second) + "\"");
    auto z = page.body.find("data-seq=\"" + std::to_string(first) + "\"");
    REQUIRE(a != std::string::npos);
    REQUIRE(z != std::string::npos);
    CHECK(a < z);
    // The live stream starts after the newest event shown.
    CHECK_THAT(page.body, Catch::Contains("data-stream=\"/admin/audit/stream?after=" + std::to_string(second) + "\""));
}

TEST_CASE("the console audit page filters by action, connection, actor and result", "[gateway][console][audit]")
{
    sso_app app;
    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    append(app, event("test.alpha", "u1", "success", "okta"));
    append(app, event("test.beta", "u2", "failure", "partner"));
    append(app, event("test.alpha", "u3", "failure", "partner"));

    auto by_action = app.get(b, "/admin/audit?action=test.alpha");
    CHECK_THAT(by_action.body, Catch::Contains("user:u1"));
    CHECK_THAT(by_action.body, Catch::Contains("user:u3"));
    CHECK(by_action.body.find("test.beta") == std::string::npos);
    CHECK_THAT(by_action.body, Catch::Contains("&amp;action=test.alpha"));

    auto by_connection = app.get(b, "/admin/audit?connection=partner&result=failure");
    CHECK_THAT(by_connection.body, Catch::Contains("user:u2"));
    CHECK_THAT(by_connection.body, Catch::Contains("user:u3"));
    CHECK(by_connection.body.find("user:u1") == std::string::npos);

    auto by_actor = app.get(b, "/admin/audit?actor=user%3Au2");
    CHECK_THAT(by_actor.body, Catch::Contains("test.beta"));
    CHECK(by_actor.body.find("user:u3") == std::string::npos);

    auto nothing = app.get(b, "/admin/audit?action=no.such.action");
    CHECK_THAT(nothing.body, Catch::Contains("No events match."));
}

TEST_CASE("an event with <script> in its fields and a long detail is escaped, never markup",
          "[gateway][console][audit]")
{
    sso_app app;
    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto e = event("sso.login.denied", "<script>alert(1)</script>", "failure", "okta");
    e.target = "\"><img src=x onerror=alert(2)>";
    e.result_reason = "<b>bold</b>";
    e.user_agent = "Mozilla <script>";
    std::string long_value(20000, 'x');
    e.changes_json = R"({"after":{"display_name":"<script>alert(3)</script>","note":")" + long_value + R"("}})";
    append(app, e);

    auto page = app.get(b, "/admin/audit");
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script>alert") == std::string::npos);
    CHECK(page.body.find("<img") == std::string::npos);
    CHECK(page.body.find("<b>bold") == std::string::npos);
    CHECK_THAT(page.body, Catch::Contains("user:&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    CHECK_THAT(page.body, Catch::Contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    // The whole detail is there (the page wraps it; it does not cut it).
    CHECK_THAT(page.body, Catch::Contains(long_value));
    // Expandable: reason, trace ID, hash.
    CHECK_THAT(page.body, Catch::Contains("<dt>Reason</dt>"));
    CHECK_THAT(page.body, Catch::Contains("<dt>Hash</dt>"));
}

TEST_CASE("the console stream sends new events and resumes after Last-Event-ID without gaps or repeats",
          "[gateway][console][audit]")
{
    sso_app app;
    browser b;
    open_console(app.ctx, *app.store, b, *app.now);
    auto base = append(app, event("test.one", "u1", "success"));
    append(app, event("test.two", "u1", "success"));
    auto three = append(app, event("test.three", "u1", "success"));

    gateway::http_request req;
    req.method = gateway::http_method::get;
    req.target = "/admin/audit/stream?after=" + std::to_string(base);
    req.headers.set("Cookie", b.cookie_header());
    auto res = gateway::handle_request(app.ctx, req);
    REQUIRE(res.status == 200);
    CHECK(res.headers.get("Content-Type") == "text/event-stream");
    CHECK(res.headers.get("Content-Security-Policy") == "default-src 'self'; frame-ancestors 'none'");
    REQUIRE(res.stream);
    CHECK(pull(*res.stream) == std::optional<std::string>("retry: 2000\n\n"));
    auto chunk = pull(*res.stream);
    REQUIRE(chunk);
    CHECK(chunk->find("id: " + std::to_string(base) + "\n") == std::string::npos);
    CHECK_THAT(*chunk, Catch::Contains("id: " + std::to_string(base + 1) + "\n"));
    CHECK_THAT(*chunk, Catch::Contains("id: " + std::to_string(three) + "\n"));
    res.stream->cancel();

    // Reconnect as EventSource does: Last-Event-ID wins over ?after=.
    auto four = append(app, event("test.four", "u1", "success"));
    req.headers.set("Last-Event-ID", std::to_string(three));
    auto again = gateway::handle_request(app.ctx, req);
    REQUIRE(again.stream);
    (void)pull(*again.stream);
    auto next = pull(*again.stream);
    REQUIRE(next);
    CHECK(next->find("id: " + std::to_string(three) + "\n") == std::string::npos);
    CHECK_THAT(*next, Catch::Contains("id: " + std::to_string(four) + "\n"));
    again.stream->cancel();

    // Without an admin session: no stream.
    gateway::http_request anonymous = req;
    anonymous.headers.erase("Cookie");
    auto refused = gateway::handle_request(app.ctx, anonymous);
    CHECK(refused.status == 401);
    CHECK_FALSE(refused.stream);
}

TEST_CASE("verify chain shows the result of the audit chain check", "[gateway][console][audit]")
{
    sso_app app;
    browser b;
    auto home = break_glass(app, b, admin_token(app, "ops")).body;
    append(app, event("test.one", "u1", "success"));
    auto res = app.post(b, "/admin/audit/verify", "csrf=" + csrf_of(home));
    REQUIRE(res.status == 200);
    CHECK_THAT(res.body, Catch::Contains("Audit chain ok: "));
    CHECK_THAT(res.body, Catch::Contains(" events checked."));
}
