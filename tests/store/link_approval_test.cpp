#include <ssogate/store/link_approval.hpp>

#include "support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ssogate;
using ssogate::test::t0;
using std::chrono::hours;

TEST_CASE("a link request is queued once per identity and decided once", "[store][link_approval]")
{
    test::file_store db;
    auto tx = db.begin();
    test::add_connection(*tx, "okta");
    test::add_connection(*tx, "entra");
    test::add_user(*tx, "u1", "okta", "alice");
    store::link_approval request{"l1", "entra", "alice-oid", "u1", "alice@example.com", R"({"email":"alice@example.com"})",
                                 t0, store::approval_status::pending, std::nullopt, ""};
    REQUIRE(tx->link_approvals().request(request).has_value());

    auto again = request;
    again.id = "l2";
    auto dup = tx->link_approvals().request(again);
    REQUIRE(dup.has_error());
    CHECK(dup.error() == store::errc::already_exists);

    auto pending = tx->link_approvals().find_pending("entra", "alice-oid");
    REQUIRE(pending->has_value());
    CHECK(**pending == request);
    CHECK(tx->link_approvals().pending()->size() == 1);

    auto invalid = tx->link_approvals().decide("l1", store::approval_status::pending, "admin-1", t0);
    REQUIRE(invalid.has_error());
    CHECK(invalid.error() == store::errc::invalid_argument);

    auto decided = tx->link_approvals().decide("l1", store::approval_status::approved, "admin-1", t0 + hours(1));
    REQUIRE(decided.has_value());
    CHECK(*decided);
    CHECK_FALSE(*tx->link_approvals().decide("l1", store::approval_status::rejected, "admin-2", t0 + hours(2)));
    auto done = tx->link_approvals().find("l1");
    REQUIRE(done->has_value());
    CHECK((*done)->status == store::approval_status::approved);
    CHECK((*done)->decided_at == t0 + hours(1));
    CHECK((*done)->decided_by == "admin-1");
    CHECK(tx->link_approvals().pending()->empty());

    // Once decided, the identity may be queued again.
    CHECK(tx->link_approvals().request(again).has_value());
}
