// `ssogate saml …`: the administrator's SAML tools (issue 3).
//
//   ssogate saml metadata-info [--json] [--entity-id ID] FILE
//       What ssogate reads from an IdP's metadata. Exit 0, 1 when the metadata is
//       unusable (the reason is printed), 2 on usage errors.
//
// Pure reporting: nothing here touches the store or the configuration.
#include <ssogate/gateway/cli.hpp>

#include <ssogate/saml/library.hpp>
#include <ssogate/saml/metadata.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

namespace ssogate::gateway {

void add_saml_commands(CLI::App& app, cli_context& ctx);

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
        ctx.out << "unusable metadata (" << saml::to_reason_code(code) << "): " << detail << '\n';
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
                ctx.out << "  " << id << '\n';
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
    out << "entity ID: " << md->entity_id << '\n';
    out << "single sign-on endpoints:\n";
    for (auto const& e : md->sso_endpoints)
        out << "  " << short_binding(e.binding) << "  " << e.location << '\n';
    if (!md->slo_endpoints.empty()) {
        out << "single logout endpoints:\n";
        for (auto const& e : md->slo_endpoints)
            out << "  " << short_binding(e.binding) << "  " << e.location << '\n';
    }
    out << "signing certificates: " << md->signing_certs.size() << '\n';
    for (auto const& c : md->signing_certs) {
        out << "  SHA-256 " << c.sha256_fingerprint() << '\n';
        out << "    subject:   " << c.subject() << '\n';
        out << "    not after: " << format_time(c.not_after())
            << " (pinned key: not checked at sign-in)\n";
    }
    out << "WantAuthnRequestsSigned: " << (md->want_authn_requests_signed ? "true" : "false") << '\n';
    if (!md->name_id_formats.empty()) {
        out << "NameID formats:\n";
        for (auto const& f : md->name_id_formats)
            out << "  " << f << '\n';
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
}

} // namespace ssogate::gateway
