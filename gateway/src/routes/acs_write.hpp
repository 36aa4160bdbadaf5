#pragma once
// The write half of a sign-in at the ACS (DESIGN.md "Sign-in flow" step 6) as a
// function of an open write transaction: the pending request, the replay ID, the
// runtime JIT switch, the JIT plan computed against the rows as they are *now*, the
// plan's rows and events, the session and `sso.login.succeeded` — or a refusal with
// its `sso.login.denied` event. It never commits: the ACS runs it as a write_batcher
// job (group commit, issue 8) or, without a batcher, in a transaction of its own.
//
// Everything that needs no store (form parsing, signature and SAML checks, the
// assertion's JSON summary, the session secret) is done before, off the writer, and
// handed over in acs_signin.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/saml/verify.hpp>
#include <ssogate/store/transaction.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace ssogate::gateway::sso_detail {

/// What the ACS established before the store: immutable once queued.
struct acs_signin {
    connection_registry::connection_ptr conn; ///< never null
    saml::verified_assertion assertion;
    std::string trace_id;
    std::string relay_state;
    bool solicited = false;
    std::string flow;        ///< the flow cookie; empty when the browser sent none
    std::string source_ip;
    std::string user_agent;
    std::chrono::system_clock::time_point now;
    std::string assertion_json; ///< the assertion's summary (identity's last assertion, link approvals)
    std::string session_secret; ///< 256-bit, hex; stored hashed
};

/// A refusal: `reason` is the precise code (audit result.reason, log), `detail` for the
/// log and the audit event only, never the browser.
struct acs_refusal {
    std::string reason;
    std::string detail;
    std::string email;
    std::string user_id;
};

/// What write_signin decided.
struct acs_result {
    /// Set when the sign-in is refused.
    std::optional<acs_refusal> refused;
    /// The refusal's sso.login.denied event is written in the transaction.
    bool refusal_audited = false;
    // A sign-in that went through:
    std::string user_id;
    std::string email;
    std::string return_to = "/";
};

/// The sso.login.denied event of a refusal (AUDIT.md). `id` is the event id.
[[nodiscard]] store::audit_event login_denied_event(std::string const& connection_id, std::string const& source_ip,
                                                    std::string const& user_agent, std::string const& trace_id,
                                                    acs_refusal const& d, std::chrono::system_clock::time_point now,
                                                    std::string id);

/// Runs the sign-in's writes in `tx` (never commits) and fills `out`. A refusal decided
/// here keeps what it consumed (the pending request, the replay ID) and writes its
/// audit event; a store failure undoes the sign-in's own writes (savepoint
/// "ssogate_acs") and records a store_error refusal instead. Fails only when not even
/// that can be written; the caller must then drop the job or the transaction.
[[nodiscard]] store::result<void> write_signin(app_context const& ctx, store::transaction& tx, acs_signin const& in,
                                               acs_result& out);

} // namespace ssogate::gateway::sso_detail
