// Keeps one saml::library_guard alive for the whole test run of
// ssogate_saml_tests (every saml test needs it; STYLE.md rule 9: never in a static
// initializer, so it is created when the run starts).
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <ssogate/saml/library.hpp>

#include <optional>

namespace {

struct saml_library_listener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testRunStarting(Catch::TestRunInfo const& info) override
    {
        guard_.emplace();
        TestEventListenerBase::testRunStarting(info);
    }
    void testRunEnded(Catch::TestRunStats const& stats) override
    {
        TestEventListenerBase::testRunEnded(stats);
        guard_.reset();
    }

    std::optional<ssogate::saml::library_guard> guard_;
};

} // namespace

CATCH_REGISTER_LISTENER(saml_library_listener)
