// `ssogate saml …`: the administrator's SAML tools (issue 3).
//
//   ssogate saml metadata-info [--json] [--entity-id ID] FILE
//       What ssogate reads from an IdP's metadata. Exit 0, 1 when the metadata is
//       unusable (the reason is printed), 2 on usage errors.
//
//   ssogate saml verify --idp-metadata FILE --sp-entity-id ID --acs-url URL
//                       [--sp-key FILE] [--now TIME] [--in-response-to ID]
//                       [--allow-unsolicited] [--clock-skew SECONDS] [--allow-sha1]
//                       [--want-assertions-signed] [--json] RESPONSE
//       "Why was this response rejected?": the verifier's verdict on a SAMLResponse
//       (base64 form value or raw XML; - for stdin). Exit 0 accepted, 1 rejected,
//       2 usage error (including unusable metadata, key or time arguments).
//
// Pure reporting: nothing here touches the store or the configuration.
#include <ssogate/gateway/cli.hpp>

#include <ssogate/saml/library.hpp>
#include <ssogate/saml/metadata.hpp>
#include <ssogate/saml/verify.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace ssogate::gateway {

namespace {

// The whole of FILE, or of standard input for "-".
std::string read_input(std::string const& file)
{
    if (file == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw startup_error(exit_usage, "cannot read " + file);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string format_time(std::chrono::system_clock::time_point t)
{
    std::time_t const tt = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::array<char, 32> buf{};
    std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf.data();
}

// Text from a document (an attacker's response, a downloaded metadata file) made safe
// for a terminal: control characters, which could carry escape sequences, become \xNN.
std::string printable(std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out;
}

// "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" -> "HTTP-Redirect" for people.
std::string short_binding(std::string const& uri)
{
    constexpr std::string_view prefix = "urn:oasis:names:tc:SAML:2.0:bindings:";
    if (uri.starts_with(prefix))
        return uri.substr(prefix.size());
    return uri;
}

boost::json::array endpoints_json(std::vector<saml::endpoint> const& endpoints)
{
    boost::json::array out;
    for (auto const& e : endpoints) {
        boost::json::object o{{"binding", e.binding}, {"location", e.location}};
        if (e.response_location)
            o["response_location"] = *e.response_location;
        out.push_back(std::move(o));
    }
    return out;
}

boost::json::array strings_json(std::vector<std::string> const& values)
{
    boost::json::array out;
    for (auto const& v : values)
        out.emplace_back(v);
    return out;
}

struct metadata_info_args {
    std::string file;
    std::string entity_id;
    bool json = false;
};

void print_failure(cli_context& ctx, bool json, saml::errc code, std::string const& detail)
{
    if (json) {
        ctx.out << boost::json::serialize(boost::json::object{
                       {"ok", false}, {"reason", saml::to_reason_code(code)}, {"detail", detail}})
                << '\n';
    } else {
        ctx.out << "unusable metadata (" << saml::to_reason_code(code) << "): " << printable(detail) << '\n';
    }
}

int run_metadata_info(cli_context& ctx, metadata_info_args const& args)
{
    saml::library_guard const guard;
    auto const xml = read_input(args.file);

    auto const ids = saml::list_idp_entities(xml);
    if (!ids) {
        print_failure(ctx, args.json, ids.error().code, ids.error().detail);
        return exit_failure;
    }
    // Several IdPs and no choice: say which there are (that is the information asked for).
    if (args.entity_id.empty() && ids->size() > 1) {
        if (args.json) {
            ctx.out << boost::json::serialize(boost::json::object{{"ok", true}, {"idp_entities", strings_json(*ids)}})
                    << '\n';
        } else {
            ctx.out << "The metadata describes " << ids->size()
                    << " identity providers; choose one with --entity-id:\n";
            for (auto const& id : *ids)
                ctx.out << "  " << printable(id) << '\n';
        }
        return exit_ok;
    }

    saml::metadata_options options;
    if (!args.entity_id.empty())
        options.entity_id = args.entity_id;
    auto const md = saml::parse_idp_metadata(xml, options);
    if (!md) {
        print_failure(ctx, args.json, md.error().code, md.error().detail);
        return exit_failure;
    }

    if (args.json) {
        boost::json::array certs;
        for (auto const& c : md->signing_certs)
            certs.push_back(boost::json::object{{"sha256_fingerprint", c.sha256_fingerprint()},
                {"subject", c.subject()}, {"not_after", format_time(c.not_after())}});
        ctx.out << boost::json::serialize(boost::json::object{
                       {"ok", true},
                       {"entity_id", md->entity_id},
                       {"idp_entities", strings_json(*ids)},
                       {"sso_endpoints", endpoints_json(md->sso_endpoints)},
                       {"slo_endpoints", endpoints_json(md->slo_endpoints)},
                       {"signing_certificates", std::move(certs)},
                       {"want_authn_requests_signed", md->want_authn_requests_signed},
                       {"name_id_formats", strings_json(md->name_id_formats)},
                   })
                << '\n';
        return exit_ok;
    }

    auto& out = ctx.out;
    out << "entity ID: " << printable(md->entity_id) << '\n';
    out << "single sign-on endpoints:\n";
    for (auto const& e : md->sso_endpoints)
        out << "  " << printable(short_binding(e.binding)) << "  " << printable(e.location) << '\n';
    if (!md->slo_endpoints.empty()) {
        out << "single logout endpoints:\n";
        for (auto const& e : md->slo_endpoints)
            out << "  " << printable(short_binding(e.binding)) << "  " << printable(e.location) << '\n';
    }
    out << "signing certificates: " << md->signing_certs.size() << '\n';
    for (auto const& c : md->signing_certs) {
        out << "  SHA-256 " << c.sha256_fingerprint() << '\n';
        out << "    subject:   " << printable(c.subject()) << '\n';
        out << "    not after: " << format_time(c.not_after())
            << " (pinned key: not checked at sign-in)\n";
    }
    out << "WantAuthnRequestsSigned: " << (md->want_authn_requests_signed ? "true" : "false") << '\n';
    if (!md->name_id_formats.empty()) {
        out << "NameID formats:\n";
        for (auto const& f : md->name_id_formats)
            out << "  " << printable(f) << '\n';
    }
    return exit_ok;
}

struct verify_args {
    std::string response_file;
    std::string idp_metadata_file;
    std::string sp_entity_id;
    std::string acs_url;
    std::string sp_key_file;
    std::string now;
    std::string in_response_to;
    bool allow_unsolicited = false;
    long long clock_skew = 180;
    bool allow_sha1 = false;
    bool want_assertions_signed = false;
    bool json = false;
};

int run_verify(cli_context& ctx, verify_args const& args)
{
    saml::library_guard const guard;

    // Inputs that are not the response itself are usage/configuration errors (exit 2).
    auto const metadata = saml::parse_idp_metadata(read_input(args.idp_metadata_file));
    if (!metadata)
        throw startup_error(exit_usage, "--idp-metadata " + args.idp_metadata_file + ": "
                + std::string(saml::to_reason_code(metadata.error().code)) + ": " + metadata.error().detail);

    saml::sp_options sp;
    sp.entity_id = args.sp_entity_id;
    sp.acs_url = args.acs_url;
    if (args.clock_skew < 0)
        throw startup_error(exit_usage, "--clock-skew must be a number of seconds, 0 or more");
    sp.clock_skew = std::chrono::seconds(args.clock_skew);
    sp.allow_sha1 = args.allow_sha1;
    sp.want_assertions_signed = args.want_assertions_signed;
    sp.allow_unsolicited = args.allow_unsolicited;
    if (!args.sp_key_file.empty()) {
        auto key = saml::private_key::from_pem(read_input(args.sp_key_file));
        if (!key)
            throw startup_error(exit_usage, "--sp-key " + args.sp_key_file + ": not a usable unencrypted private key");
        sp.decryption_keys.push_back(std::move(*key));
    }

    auto now = std::chrono::system_clock::now();
    if (!args.now.empty()) {
        auto parsed = saml::parse_saml_time(args.now);
        if (!parsed)
            throw startup_error(exit_usage, "--now must be a UTC time like 2026-01-01T00:00:00Z (got \"" + args.now + "\")");
        now = *parsed;
    }

    // Without --in-response-to or --allow-unsolicited, InResponseTo is checked for shape only.
    auto const expected = !args.in_response_to.empty() ? saml::response_expectation::solicited(args.in_response_to)
                          : args.allow_unsolicited      ? saml::response_expectation::unsolicited()
                                                        : saml::response_expectation::shape_only();

    auto const input = read_input(args.response_file);
    auto const trust = metadata->trust();
    auto const verdict = saml::looks_like_xml(input) ? saml::verify_response_xml(input, trust, sp, expected, now)
                                                     : saml::verify_response(input, trust, sp, expected, now);
    if (!verdict) {
        if (args.json) {
            ctx.out << boost::json::serialize(boost::json::object{{"ok", false},
                           {"reason", saml::to_reason_code(verdict.error().code)}, {"detail", verdict.error().detail}})
                    << '\n';
        } else {
            ctx.out << "rejected: " << saml::to_reason_code(verdict.error().code) << '\n';
            ctx.out << "  " << printable(verdict.error().detail) << '\n';
        }
        return exit_failure;
    }

    auto const& a = *verdict;
    // Attribute names in document order, each with all its values (repeated Attribute
    // elements with the same Name are merged, as values_of does).
    std::vector<std::string> names;
    for (auto const& attr : a.attributes)
        if (std::find(names.begin(), names.end(), attr.name) == names.end())
            names.push_back(attr.name);

    if (args.json) {
        boost::json::object attributes;
        for (auto const& name : names)
            attributes[name] = strings_json(a.values_of(name));
        boost::json::object o{
            {"ok", true},
            {"issuer", a.issuer},
            {"name_id", a.name_id},
            {"name_id_format", a.name_id_format},
            {"assertion_id", a.assertion_id},
            {"response_id", a.response_id},
            {"in_response_to", a.in_response_to},
            {"session_index", a.session_index},
            {"authn_instant", format_time(a.authn_instant)},
            {"not_on_or_after", format_time(a.not_on_or_after)},
            {"assertion_signed", a.assertion_signed},
            {"response_signed", a.response_signed},
            {"encrypted", a.was_encrypted},
            {"signing_cert_fingerprint", a.signing_cert_fingerprint},
            {"attributes", std::move(attributes)},
        };
        ctx.out << boost::json::serialize(o) << '\n';
        return exit_ok;
    }

    auto& out = ctx.out;
    out << "accepted\n";
    out << "  issuer:          " << printable(a.issuer) << '\n';
    out << "  name ID:         " << printable(a.name_id);
    if (!a.name_id_format.empty())
        out << " (" << printable(a.name_id_format) << ')';
    out << '\n';
    out << "  assertion ID:    " << printable(a.assertion_id) << '\n';
    out << "  in response to:  " << (a.in_response_to.empty() ? "(unsolicited)" : printable(a.in_response_to)) << '\n';
    if (!a.session_index.empty())
        out << "  session index:   " << printable(a.session_index) << '\n';
    out << "  authn instant:   " << format_time(a.authn_instant) << '\n';
    out << "  not on or after: " << format_time(a.not_on_or_after) << '\n';
    out << "  signed:          " << (a.assertion_signed ? "assertion" : "")
        << (a.assertion_signed && a.response_signed ? " and " : "") << (a.response_signed ? "response" : "")
        << (a.was_encrypted ? " (assertion was encrypted)" : "") << '\n';
    out << "  signing cert:    SHA-256 " << a.signing_cert_fingerprint << '\n';
    if (!names.empty()) {
        out << "  attributes:\n";
        for (auto const& name : names) {
            out << "    " << printable(name) << ':';
            for (auto const& v : a.values_of(name))
                out << " \"" << printable(v) << '"';
            out << '\n';
        }
    }
    return exit_ok;
}

} // namespace

void add_saml_commands(CLI::App& app, cli_context& ctx)
{
    auto* saml_cmd = app.add_subcommand("saml", "Inspect SAML metadata and responses");
    saml_cmd->require_subcommand(1);

    auto info_args = std::make_shared<metadata_info_args>();
    auto* info = saml_cmd->add_subcommand("metadata-info", "Show what ssogate reads from an IdP's SAML metadata");
    info->add_option("FILE", info_args->file, "IdP metadata (EntityDescriptor or EntitiesDescriptor); - for stdin")
        ->required();
    info->add_option("--entity-id", info_args->entity_id, "The IdP to read from an EntitiesDescriptor")
        ->type_name("ID");
    info->add_flag("--json", info_args->json, "Print JSON");
    info->callback([&ctx, info_args] { ctx.exit_code = run_metadata_info(ctx, *info_args); });

    auto v = std::make_shared<verify_args>();
    auto* verify = saml_cmd->add_subcommand("verify", "Verify a SAMLResponse and say why it is accepted or rejected");
    verify->add_option("RESPONSE", v->response_file, "A file with the base64 SAMLResponse form value or the raw XML; - for stdin")
        ->required();
    verify->add_option("--idp-metadata", v->idp_metadata_file, "The IdP's SAML metadata (its signing certificates are trusted)")
        ->type_name("FILE")
        ->required();
    verify->add_option("--sp-entity-id", v->sp_entity_id, "This SP's entity ID (the expected Audience)")
        ->type_name("ID")
        ->required();
    verify->add_option("--acs-url", v->acs_url, "The ACS URL (expected Destination and Recipient)")
        ->type_name("URL")
        ->required();
    verify->add_option("--sp-key", v->sp_key_file, "PEM private key that decrypts EncryptedAssertions")->type_name("FILE");
    verify->add_option("--now", v->now, "Verify as of this UTC time (default: the current time)")
        ->type_name("2026-01-01T00:00:00Z");
    auto* irt = verify->add_option("--in-response-to", v->in_response_to, "The AuthnRequest ID the response must answer")
        ->type_name("ID");
    auto* unsolicited = verify->add_flag("--allow-unsolicited", v->allow_unsolicited,
        "The response must be unsolicited (IdP-initiated), and that is allowed");
    irt->excludes(unsolicited);
    verify->add_option("--clock-skew", v->clock_skew, "Allowed clock difference in seconds (default 180)")
        ->type_name("SECONDS");
    verify->add_flag("--allow-sha1", v->allow_sha1, "Accept RSA-SHA1 signatures and SHA-1 digests (legacy IdPs)");
    verify->add_flag("--want-assertions-signed", v->want_assertions_signed,
        "Demand the assertion's own signature (a signed Response alone is not enough)");
    verify->add_flag("--json", v->json, "Print JSON");
    verify->callback([&ctx, v] { ctx.exit_code = run_verify(ctx, *v); });
}

} // namespace ssogate::gateway
