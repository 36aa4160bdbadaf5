#include <ssogate/store/authn_request.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::minutes;

namespace {

store::pending_request const request{"_req1", "okta", "/app", t0, t0 + minutes(10)};

struct requests_fixture {
    test::file_store db;

    requests_fixture()
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        test::add_connection(*tx, "entra");
        REQUIRE(tx->requests().create(request, "flow-cookie-A").has_value());
        REQUIRE(tx->commit().has_value());
    }

    store::consume_outcome consume(std::string const& id, std::string const& connection, std::string const& flow,
                                   store::time_point now)
    {
        auto tx = db.begin();
        auto out = tx->requests().consume(id, connection, flow, now);
        REQUIRE(out.has_value());
        REQUIRE(tx->commit().has_value());
        return *out;
    }
};

} // namespace

TEST_CASE("a pending request is consumed once by its browser on its connection", "[store][authn_request]")
{
    requests_fixture f;
    auto first = f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(1));
    CHECK(first.status == store::consume_status::consumed);
    REQUIRE(first.request.has_value());
    CHECK(*first.request == request);

    auto second = f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(1));
    CHECK(second.status == store::consume_status::unknown);
    CHECK_FALSE(second.request.has_value());
}

TEST_CASE("a request from another browser or another connection is refused and stays pending",
          "[store][authn_request]")
{
    requests_fixture f;
    CHECK(f.consume("_req1", "okta", "flow-cookie-B", t0 + minutes(1)).status ==
          store::consume_status::other_browser);
    CHECK(f.consume("_req1", "entra", "flow-cookie-A", t0 + minutes(1)).status ==
          store::consume_status::other_connection);
    CHECK(f.consume("_unknown", "okta", "flow-cookie-A", t0 + minutes(1)).status == store::consume_status::unknown);
    // The rightful browser can still finish.
    CHECK(f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(1)).status == store::consume_status::consumed);
}

TEST_CASE("a request is expired at its expiry instant and is then removed", "[store][authn_request]")
{
    requests_fixture f;
    auto out = f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(10));
    CHECK(out.status == store::consume_status::expired);
    CHECK(f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(1)).status == store::consume_status::unknown);
}

TEST_CASE("a request one microsecond before expiry is still consumed", "[store][authn_request]")
{
    requests_fixture f;
    auto out = f.consume("_req1", "okta", "flow-cookie-A", t0 + minutes(10) - std::chrono::microseconds(1));
    CHECK(out.status == store::consume_status::consumed);
}

TEST_CASE("a request ID cannot be stored twice", "[store][authn_request]")
{
    requests_fixture f;
    auto tx = f.db.begin();
    auto dup = tx->requests().create(request, "flow-cookie-B");
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::already_exists);
}

TEST_CASE("the browser binding is stored only as a hash", "[store][authn_request]")
{
    requests_fixture f;
    CHECK(test::raw_integer(f.db.path(), "SELECT count(*) FROM authn_requests WHERE binding_hash LIKE '%flow%'") == 0);
    CHECK(test::raw_integer(f.db.path(), "SELECT length(binding_hash) FROM authn_requests") == 64);
}

TEST_CASE("sweeping removes only expired requests", "[store][authn_request]")
{
    requests_fixture f;
    auto tx = f.db.begin();
    REQUIRE(tx->requests().create({"_req2", "okta", "/", t0, t0 + minutes(30)}, "flow").has_value());
    auto swept = tx->requests().sweep(t0 + minutes(10));
    REQUIRE(swept.has_value());
    CHECK(*swept == 1);
    CHECK(tx->requests().consume("_req2", "okta", "flow", t0)->status == store::consume_status::consumed);
}

TEST_CASE("of many concurrent consumers of one request exactly one succeeds", "[store][authn_request]")
{
    requests_fixture f;
    std::atomic<int> consumed{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            auto tx = f.db->begin(store::access::write);
            if (!tx) {
                ++errors;
                return;
            }
            auto out = (*tx)->requests().consume("_req1", "okta", "flow-cookie-A", t0 + minutes(1));
            if (!out || !(*tx)->commit())
                ++errors;
            else if (out->status == store::consume_status::consumed)
                ++consumed;
        });
    for (auto& t : threads)
        t.join();
    CHECK(errors == 0);
    CHECK(consumed == 1);
}
