#include <ssogate/store/store.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;
using std::chrono::minutes;

TEST_CASE("a sign-in applies user, replay id, session and audit event in one transaction", "[store]")
{
    test::file_store db;
    {
        auto tx = db.begin();
        test::add_connection(*tx, "okta");
        REQUIRE(tx->requests().create({"_req", "okta", "/app", t0, t0 + minutes(5)}, "flow").has_value());
        REQUIRE(tx->commit().has_value());
    }

    // Written against the interface only: what the gateway does at the ACS.
    auto sign_in = [&](store::store& s) -> store::result<void> {
        auto began = s.begin(store::access::write);
        if (!began)
            return began.error();
        auto& tx = **began;
        auto const now = t0 + minutes(1);
        auto pending = tx.requests().consume("_req", "okta", "flow", now);
        if (!pending)
            return pending.error();
        if (pending->status != store::consume_status::consumed)
            return store::errc::invalid_argument;
        if (auto r = tx.replay().consume("okta", "_assertion", now + minutes(5)); !r)
            return r;
        if (auto r = tx.users().create({"u1", "jit:okta", true, now}); !r)
            return r;
        if (auto r = tx.users().add_identity({"okta", "alice", "u1", now, now, "{}"}); !r)
            return r;
        if (auto r = tx.users().set_attribute("u1", {"email", "alice@example.com", "jit:okta", now, "evt-1"}); !r)
            return r;
        if (auto r = tx.sessions().create("session-secret", {"u1", "okta", now, now + hours(8), ""}); !r)
            return r.error();
        store::audit_event e;
        e.id = "evt-1";
        e.time = now;
        e.action = "jit.user.created";
        e.actor_type = "user";
        e.actor_id = "u1";
        if (auto r = tx.audit().append(e); !r)
            return r.error();
        return tx.commit();
    };
    REQUIRE(sign_in(*db).has_value());
    // The same request and assertion again: refused, nothing half-written.
    auto replay = sign_in(*db);
    REQUIRE(replay.has_error());

    auto tx = db.begin(store::access::read);
    CHECK((*tx->users().find_by_identity("okta", "alice"))->email == "alice@example.com");
    CHECK(tx->sessions().find("session-secret")->has_value());
    CHECK(*tx->audit().last_seq() == 1);
}
