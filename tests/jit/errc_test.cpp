#include <ssogate/jit/errc.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace ssogate::jit {
namespace {

constexpr errc all_codes[] = {
    errc::jit_disabled,  errc::link_denied,  errc::link_pending_approval, errc::email_missing,
    errc::user_inactive, errc::role_unmapped, errc::team_unknown,         errc::subject_missing,
};

TEST_CASE("every jit error code has its own message and reason code", "[jit][errc]")
{
    std::set<std::string> messages;
    std::set<std::string_view> reasons;
    for (auto e : all_codes) {
        boost::system::error_code const ec = e;
        CHECK(ec.category().name() == std::string("ssogate.jit"));
        CHECK(ec.message() != "unknown jit error");
        messages.insert(ec.message());
        reasons.insert(to_reason_code(e));
        CHECK(to_reason_code(e) != "unknown");
    }
    CHECK(messages.size() == std::size(all_codes));
    CHECK(reasons.size() == std::size(all_codes));
}

TEST_CASE("jit error codes keep the reason names the audit log is searched by", "[jit][errc]")
{
    CHECK(to_reason_code(errc::jit_disabled) == "jit_disabled");
    CHECK(to_reason_code(errc::link_denied) == "link_denied");
    CHECK(to_reason_code(errc::link_pending_approval) == "link_pending_approval");
    CHECK(to_reason_code(errc::subject_missing) == "subject_missing");
    CHECK(static_cast<int>(errc::jit_disabled) == 1);
}

TEST_CASE("a jit error code compares equal to its enumerator and to no other", "[jit][errc]")
{
    boost::system::error_code const ec = make_error_code(errc::link_denied);
    CHECK(ec == errc::link_denied);
    CHECK(ec != errc::jit_disabled);
}

} // namespace
} // namespace ssogate::jit
