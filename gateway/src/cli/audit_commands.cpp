// `ssogate audit verify|tail`: the audit log from the command line (issue 6).
//
//   ssogate audit verify [--json]
//       Walks the hash chain; prints the first broken link (seq, which field — "seq" for
//       a gap, "prev_hash" for a broken link, "hash" for modified contents — expected
//       and actual). Exit 0 intact, 1 broken.
//   ssogate audit tail [-f] [--after SEQ] [--json] [--action A] [--connection C]
//       Events after SEQ (default 0: all) in seq order, one per line: time, action,
//       actor, target, result, reason (or the event JSON with --json). -f keeps
//       polling the store (every second) until interrupted.
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/audit.hpp>
#include <ssogate/gateway/cli.hpp>

#include "cli/open_store.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <csignal>
#include <cstdio>
#include <memory>
#include <ostream>
#include <thread>

namespace ssogate::gateway {

namespace {

struct audit_args {
    bool json = false;
    bool follow = false;
    std::int64_t after = 0;
    std::string action;
    std::string connection;
};

/// A value for a terminal line: "-" when empty, control characters and spaces as \xNN
/// so that a forged value cannot fake a column or a line.
std::string cell(std::string const& s)
{
    if (s.empty())
        return "-";
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f || c == ' ' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string human_line(store::chained_audit_event const& e)
{
    auto const& ev = e.event;
    std::string actor = ev.actor_type.empty() && ev.actor_id.empty()
                            ? std::string("-")
                            : cell(ev.actor_type) + ":" + cell(ev.actor_id);
    return format_audit_time(ev.time) + ' ' + cell(ev.action) + ' ' + actor + ' ' + cell(ev.target) + ' ' +
           cell(ev.result_status) + ' ' + cell(ev.result_reason);
}

/// What a chain break means, for the human line (AUDIT.md "Reading the log").
std::string what_broke(store::chain_break const& b)
{
    if (b.field == "seq")
        return "a gap: event " + std::to_string(b.seq) + " is missing (deleted)";
    if (b.field == "prev_hash")
        return b.seq > 1 ? "it does not point at the hash of event " + std::to_string(b.seq - 1) +
                               " (that event was rewritten, or this link was edited)"
                         : "the first event does not start from the genesis hash";
    if (b.field == "hash")
        return "its contents do not match its hash (modified after it was written)";
    return "unexpected";
}

void run_verify(cli_context& cli, audit_args const& a)
{
    auto db = detail::open_store(cli.load_config());
    auto began = db->begin(store::access::read);
    if (!began)
        throw startup_error(exit_failure, "cannot read the store: " + began.error().message());
    auto v = (*began)->audit().verify_chain();
    if (!v)
        throw startup_error(exit_failure, "cannot read the audit log: " + v.error().message());
    if (a.json) {
        boost::json::object o{{"ok", !v->first_break}, {"events_checked", v->events_checked}, {"first_break", nullptr}};
        if (v->first_break)
            o["first_break"] = boost::json::object{{"seq", v->first_break->seq},
                                                   {"field", v->first_break->field},
                                                   {"expected", v->first_break->expected},
                                                   {"actual", v->first_break->actual}};
        cli.out << boost::json::serialize(o) << '\n';
    } else if (!v->first_break) {
        cli.out << "audit chain ok: " << v->events_checked << " events\n";
    } else {
        auto const& b = *v->first_break;
        cli.out << "audit chain broken at seq " << b.seq << ": " << b.field << " differs (expected " << cell(b.expected)
                << ", found " << cell(b.actual) << "): " << what_broke(b) << '\n';
    }
    cli.exit_code = v->first_break ? exit_failure : exit_ok;
}

volatile std::sig_atomic_t interrupted = 0;

void run_tail(cli_context& cli, audit_args const& a)
{
    if (a.after < 0)
        throw startup_error(exit_usage, "--after must be a non-negative seq");
    auto db = detail::open_store(cli.load_config());
    store::audit_filter filter{a.action, a.connection};
    std::int64_t cursor = a.after;
    if (a.follow) {
        interrupted = 0;
        std::signal(SIGINT, [](int) { interrupted = 1; });
        std::signal(SIGTERM, [](int) { interrupted = 1; });
    }
    for (;;) {
        std::vector<store::chained_audit_event> page;
        {
            auto began = db->begin(store::access::read);
            if (!began)
                throw startup_error(exit_failure, "cannot read the store: " + began.error().message());
            auto events = (*began)->audit().after(cursor, audit_page_max_limit, filter);
            if (!events)
                throw startup_error(exit_failure, "cannot read the audit log: " + events.error().message());
            page = std::move(*events);
        }
        for (auto const& e : page) {
            if (a.json)
                cli.out << boost::json::serialize(audit_event_to_json(e)) << '\n';
            else
                cli.out << human_line(e) << '\n';
            cursor = e.seq;
        }
        cli.out.flush();
        if (page.size() == audit_page_max_limit)
            continue; // more is waiting
        if (!a.follow)
            break;
        for (int i = 0; i < 10 && !interrupted; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (interrupted)
            break;
    }
}

} // namespace

void add_audit_commands(CLI::App& app, cli_context& ctx)
{
    auto args = std::make_shared<audit_args>();
    auto* audit = app.add_subcommand("audit", "Verify and tail the audit log");
    audit->require_subcommand(1);

    auto* verify = audit->add_subcommand("verify", "Check the audit hash chain; exit 1 at the first broken link");
    verify->add_flag("--json", args->json, "Print JSON");
    verify->callback([&ctx, args] { run_verify(ctx, *args); });

    auto* tail = audit->add_subcommand("tail", "Print audit events in seq order");
    tail->add_flag("-f,--follow", args->follow, "Keep following new events until interrupted");
    tail->add_option("--after", args->after, "Start after this seq (default 0: from the beginning)")->type_name("SEQ");
    tail->add_flag("--json", args->json, "Print one JSON event per line");
    tail->add_option("--action", args->action, "Only events with this action")->type_name("ACTION");
    tail->add_option("--connection", args->connection, "Only events of this connection")->type_name("ID");
    tail->callback([&ctx, args] { run_tail(ctx, *args); });
}

} // namespace ssogate::gateway
