#include <ssogate/gateway/admin.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/routes.hpp>

#include "support/app_fixture.hpp"

#include <boost/json.hpp>

#include <future>
#include <string>

using namespace ssogate::gateway;
using namespace std::chrono_literals;
namespace store = ssogate::store;
namespace json = boost::json;

namespace {

/// Appends one event (its own transaction) and wakes tailers, as a writer does.
std::int64_t append_event(store::store& db, std::string const& action, std::string const& connection = {})
{
    static int counter = 0;
    store::audit_event e;
    e.id = "ev-test-" + std::to_string(++counter);
    e.time = ssogate::test::test_now();
    e.action = action;
    e.actor_type = "system";
    e.connection_id = connection;
    e.result_status = "success";
    auto tx = db.begin(store::access::write);
    REQUIRE(tx.has_value());
    auto appended = (*tx)->audit().append(e);
    REQUIRE(appended.has_value());
    REQUIRE((*tx)->commit().has_value());
    process_audit_notifier().notify();
    return appended->seq;
}

/// An app with one admin token; `bearer` is its Authorization header value.
struct admin_app {
    admin_app()
    {
        auto t = create_admin_token(*app.store, "test", admin_actor{"cli", "tester", "", ""}, app.ctx.random,
                                    ssogate::test::test_now());
        REQUIRE(t.has_value());
        token_id = t->record.id;
        bearer = "Bearer " + t->secret;
    }

    http_response get(std::string const& target, std::string const& auth, std::string const& ip = "192.0.2.1")
    {
        http_request req;
        req.method = http_method::get;
        req.target = target;
        req.remote_address = ip;
        if (!auth.empty())
            req.headers.set("Authorization", auth);
        return handle_request(app.ctx, req);
    }

    ssogate::test::app_fixture app;
    std::string token_id;
    std::string bearer;
};

json::object body_of(http_response const& res)
{
    return json::parse(res.body).as_object();
}

std::vector<std::int64_t> seqs_of(json::object const& page)
{
    std::vector<std::int64_t> out;
    for (auto const& e : page.at("events").as_array())
        out.push_back(e.at("seq").as_int64());
    return out;
}

} // namespace

TEST_CASE("admin audit API pages by seq with after and limit", "[gateway][admin][audit]")
{
    admin_app a; // seq 1 is admin.token.created
    for (int i = 0; i < 5; ++i)
        append_event(*a.app.store, "test.event", i % 2 == 0 ? "okta" : "entra");

    auto first = a.get("/admin/v1/audit?limit=2", a.bearer);
    REQUIRE(first.status == 200);
    CHECK(first.headers.get("Content-Type") == "application/json");
    auto p1 = body_of(first);
    CHECK(seqs_of(p1) == std::vector<std::int64_t>{1, 2});
    CHECK(p1.at("next_after").as_int64() == 2);

    auto p2 = body_of(a.get("/admin/v1/audit?after=2&limit=3", a.bearer));
    CHECK(seqs_of(p2) == std::vector<std::int64_t>{3, 4, 5});
    CHECK(p2.at("next_after").as_int64() == 5);

    auto p3 = body_of(a.get("/admin/v1/audit?after=5", a.bearer));
    CHECK(seqs_of(p3) == std::vector<std::int64_t>{6});
    CHECK(p3.at("next_after").as_int64() == 6);

    SECTION("an empty page keeps the cursor")
    {
        auto empty = body_of(a.get("/admin/v1/audit?after=6&limit=10", a.bearer));
        CHECK(empty.at("events").as_array().empty());
        CHECK(empty.at("next_after").as_int64() == 6);
        auto beyond = body_of(a.get("/admin/v1/audit?after=100", a.bearer));
        CHECK(beyond.at("next_after").as_int64() == 100);
    }
    SECTION("filters by action and connection")
    {
        auto okta = body_of(a.get("/admin/v1/audit?connection=okta", a.bearer));
        CHECK(seqs_of(okta) == std::vector<std::int64_t>{2, 4, 6});
        auto okta_after = body_of(a.get("/admin/v1/audit?connection=okta&after=2&limit=1", a.bearer));
        CHECK(seqs_of(okta_after) == std::vector<std::int64_t>{4});
        CHECK(okta_after.at("next_after").as_int64() == 4);
        auto created = body_of(a.get("/admin/v1/audit?action=admin.token.created", a.bearer));
        CHECK(seqs_of(created) == std::vector<std::int64_t>{1});
        auto encoded = body_of(a.get("/admin/v1/audit?action=test%2Eevent&connection=entra", a.bearer));
        CHECK(seqs_of(encoded) == std::vector<std::int64_t>{3, 5});
    }
}

TEST_CASE("admin audit API shows each event with exactly the documented fields", "[gateway][admin][audit]")
{
    admin_app a;
    auto page = body_of(a.get("/admin/v1/audit", a.bearer));
    auto const& events = page.at("events").as_array();
    REQUIRE(events.size() == 1);
    auto const& e = events[0].as_object();
    std::vector<std::string> keys;
    for (auto const& kv : e)
        keys.emplace_back(kv.key());
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"action", "actor", "changes", "connection", "hash", "id", "prev_hash",
                                           "result", "seq", "source", "target", "time", "trace_id"});
    CHECK(e.at("seq").as_int64() == 1);
    CHECK(e.at("time").as_string() == "2024-05-01T12:00:00.000000Z");
    CHECK(e.at("action").as_string() == "admin.token.created");
    CHECK(e.at("actor").as_object().at("type").as_string() == "cli");
    CHECK(e.at("actor").as_object().at("id").as_string() == "tester");
    CHECK(e.at("target").as_string() == a.token_id);
    CHECK(e.at("connection").is_null());
    CHECK(e.at("source").as_object().at("ip").is_null());
    CHECK(e.at("result").as_object().at("status").as_string() == "success");
    CHECK(e.at("result").as_object().at("reason").is_null());
    CHECK(e.at("changes").as_object().at("after").as_object().at("name").as_string() == "test");
    CHECK(e.at("prev_hash").as_string() == std::string(store::genesis_hash));
    CHECK(e.at("hash").as_string().size() == 64);
    CHECK(a.get("/admin/v1/audit", a.bearer).body.find(a.bearer.substr(7)) == std::string::npos);
}

TEST_CASE("admin audit API refuses bad parameters with a 400 naming the parameter", "[gateway][admin][audit]")
{
    admin_app a;
    struct bad {
        std::string query, field;
    };
    for (auto const& b : {bad{"after=-1", "after"}, bad{"after=x", "after"}, bad{"after=1&after=2", "after"},
                          bad{"after=99999999999999999999", "after"}, bad{"limit=0", "limit"},
                          bad{"limit=1001", "limit"}, bad{"limit=", "limit"}, bad{"limit=5x", "limit"},
                          bad{"action=", "action"}, bad{"connection", "connection"}, bad{"since=1", "since"}}) {
        CAPTURE(b.query);
        auto res = a.get("/admin/v1/audit?" + b.query, a.bearer);
        CHECK(res.status == 400);
        CHECK(res.headers.get("Content-Type") == "application/json");
        auto body = body_of(res);
        CHECK(body.at("field").as_string() == b.field);
        CHECK(!body.at("error").as_string().empty());
    }
    CHECK(a.get("/admin/v1/audit?limit=1000", a.bearer).status == 200);
}

TEST_CASE("admin API answers 401 without a valid bearer token", "[gateway][admin][auth]")
{
    admin_app a;
    auto count_failed = [&] {
        auto tx = a.app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto events = (*tx)->audit().after(0, 1000, {"admin.auth.failed", ""});
        REQUIRE(events.has_value());
        return events->size();
    };
    auto check_401 = [](http_response const& res) {
        CHECK(res.status == 401);
        CHECK(res.headers.get("WWW-Authenticate").has_value());
        CHECK(res.body == "{\"error\":\"unauthorized\"}\n");
    };

    SECTION("a missing token is audited once per source per minute, like a wrong one")
    {
        check_401(a.get("/admin/v1/audit", "", "198.51.100.1"));
        check_401(a.get("/admin/v1/audit", "Basic dXNlcjpwYXNz", "198.51.100.1"));
        check_401(a.get("/admin/v1/audit", "Bearer ", "198.51.100.1"));
        CHECK(count_failed() == 1);
        CHECK(a.app.log.text().find("admin: request without") != std::string::npos);
        auto tx = a.app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto events = (*tx)->audit().after(0, 1000, {"admin.auth.failed", ""});
        REQUIRE(events.has_value());
        auto const& ev = events->front().event;
        CHECK(ev.result_status == "failure");
        CHECK(ev.result_reason == "missing_token");
        CHECK(ev.source_ip == "198.51.100.1");
    }
    SECTION("a wrong token is audited once per source per minute")
    {
        check_401(a.get("/admin/v1/audit", "Bearer sgadm_wrong", "198.51.100.2"));
        check_401(a.get("/admin/v1/audit", "Bearer sgadm_wrong2", "198.51.100.2"));
        check_401(a.get("/admin/v1/audit/stream", "Bearer sgadm_wrong", "198.51.100.2"));
        CHECK(count_failed() == 1);
        check_401(a.get("/admin/v1/audit", "Bearer sgadm_wrong", "198.51.100.3"));
        CHECK(count_failed() == 2);
        auto tx = a.app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto events = (*tx)->audit().after(0, 1000, {"admin.auth.failed", ""});
        REQUIRE(events.has_value());
        auto const& ev = events->front().event;
        CHECK(ev.result_status == "failure");
        CHECK(ev.result_reason == "invalid_token");
        CHECK(ev.source_ip == "198.51.100.2");
        CHECK(ev.target == "/admin/v1/audit");
    }
    SECTION("a revoked token no longer works")
    {
        CHECK(a.get("/admin/v1/audit", a.bearer).status == 200);
        auto revoked = revoke_admin_token(*a.app.store, a.token_id, admin_actor{"cli", "tester", "", ""},
                                          a.app.ctx.random, ssogate::test::test_now());
        REQUIRE(revoked.has_value());
        CHECK(*revoked);
        check_401(a.get("/admin/v1/audit", a.bearer, "198.51.100.4"));
        auto again = revoke_admin_token(*a.app.store, a.token_id, admin_actor{"cli", "tester", "", ""},
                                        a.app.ctx.random, ssogate::test::test_now());
        REQUIRE(again.has_value());
        CHECK_FALSE(*again);
    }
    SECTION("the scheme is case-insensitive")
    {
        CHECK(a.get("/admin/v1/audit", "bearer " + a.bearer.substr(7)).status == 200);
    }
}

namespace {

/// Pulls one chunk from a stream, waiting up to `within`.
std::optional<std::string> pull_chunk(body_stream& s, std::chrono::milliseconds within = 5s)
{
    auto p = std::make_shared<std::promise<std::optional<std::string>>>();
    auto f = p->get_future();
    s.pull([p](std::optional<std::string> c) { p->set_value(std::move(c)); });
    REQUIRE(f.wait_for(within) == std::future_status::ready);
    return f.get();
}

} // namespace

TEST_CASE("audit stream sends retry, then events after the cursor, then waits for commits", "[gateway][audit][stream]")
{
    ssogate::test::app_fixture app;
    audit_notifier notifier;
    append_event(*app.store, "a.one");
    append_event(*app.store, "a.two", "okta");
    auto s = make_audit_stream(app.ctx, notifier, 1, {}, {.heartbeat = 10'000ms, .poll = 10'000ms, .batch = 100});
    CHECK(pull_chunk(*s) == "retry: 2000\n\n");
    auto chunk = pull_chunk(*s);
    REQUIRE(chunk);
    CHECK(chunk->rfind("id: 2\ndata: {\"seq\":2,", 0) == 0);
    CHECK(chunk->find("\"action\":\"a.two\"") != std::string::npos);
    CHECK(chunk->ends_with("\n\n"));

    // Nothing new: the pull waits until a writer commits and notifies.
    auto p = std::make_shared<std::promise<std::optional<std::string>>>();
    auto f = p->get_future();
    s->pull([p](std::optional<std::string> c) { p->set_value(std::move(c)); });
    CHECK(f.wait_for(100ms) == std::future_status::timeout);
    append_event(*app.store, "a.three");
    notifier.notify();
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    auto third = f.get();
    REQUIRE(third);
    CHECK(third->rfind("id: 3\n", 0) == 0);

    SECTION("cancel ends a waiting pull")
    {
        auto p2 = std::make_shared<std::promise<std::optional<std::string>>>();
        auto f2 = p2->get_future();
        s->pull([p2](std::optional<std::string> c) { p2->set_value(std::move(c)); });
        s->cancel();
        REQUIRE(f2.wait_for(2s) == std::future_status::ready);
        CHECK_FALSE(f2.get().has_value());
        CHECK_FALSE(pull_chunk(*s).has_value());
    }
}

TEST_CASE("audit stream sends a heartbeat comment when idle and finds events without a notify", "[gateway][audit][stream]")
{
    ssogate::test::app_fixture app;
    audit_notifier notifier;
    auto s = make_audit_stream(app.ctx, notifier, 0, {}, {.heartbeat = 200ms, .poll = 50ms, .batch = 100});
    CHECK(pull_chunk(*s) == "retry: 2000\n\n");
    CHECK(pull_chunk(*s) == ": heartbeat\n\n");
    append_event(*app.store, "other.process"); // notifies the process notifier, not this one
    auto c = pull_chunk(*s);
    REQUIRE(c);
    CHECK(c->rfind("id: 1\n", 0) == 0);
}

TEST_CASE("audit stream with a filter sends only matching events", "[gateway][audit][stream]")
{
    ssogate::test::app_fixture app;
    audit_notifier notifier;
    append_event(*app.store, "x", "okta");
    append_event(*app.store, "x", "entra");
    append_event(*app.store, "y", "okta");
    auto s = make_audit_stream(app.ctx, notifier, 0, {"x", "okta"}, {.heartbeat = 10'000ms, .poll = 50ms, .batch = 1});
    CHECK(pull_chunk(*s) == "retry: 2000\n\n");
    auto c = pull_chunk(*s);
    REQUIRE(c);
    CHECK(c->rfind("id: 1\n", 0) == 0);
    append_event(*app.store, "x", "okta");
    auto d = pull_chunk(*s);
    REQUIRE(d);
    CHECK(d->rfind("id: 4\n", 0) == 0);
}
