#include <ssogate/scim/discovery.hpp>

#include <catch2/catch.hpp>

#include <boost/json/serialize.hpp>

using namespace ssogate::scim;
namespace json = boost::json;

TEST_CASE("ServiceProviderConfig states honestly what the server supports", "[scim][discovery]")
{
    service_provider_options options;
    options.max_results = 200;
    auto const j = service_provider_config(options, "https://h/scim/v2/okta/");
    CHECK(j.at("patch").at("supported") == true);
    CHECK(j.at("filter").at("supported") == true);
    CHECK(j.at("filter").at("maxResults") == 200);
    CHECK(j.at("bulk").at("supported") == false);
    CHECK(j.at("changePassword").at("supported") == false);
    CHECK(j.at("sort").at("supported") == false);
    CHECK(j.at("etag").at("supported") == false);
    CHECK(j.at("authenticationSchemes").as_array()[0].at("type") == "oauthbearertoken");
    CHECK(j.at("meta").at("location") == "https://h/scim/v2/okta/ServiceProviderConfig");
    options.etag_supported = true;
    CHECK(service_provider_config(options, "https://h").at("etag").at("supported") == true);
}

TEST_CASE("ResourceTypes lists User with the enterprise extension and Group", "[scim][discovery]")
{
    auto const j = resource_types_list("https://h/scim/v2/c");
    CHECK(j.at("totalResults") == 2);
    auto const& user = j.at("Resources").as_array()[0];
    CHECK(user.at("endpoint") == "/Users");
    CHECK(user.at("schema") == "urn:ietf:params:scim:schemas:core:2.0:User");
    CHECK(user.at("schemaExtensions").as_array()[0].at("schema") ==
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(j.at("Resources").as_array()[1].at("endpoint") == "/Groups");
    CHECK(find_resource_type("group") == &group_resource_type());
    CHECK(find_resource_type("Robot") == nullptr);
}

TEST_CASE("Schemas renders the schema table with every characteristic", "[scim][discovery]")
{
    auto const j = schemas_list("https://h/scim/v2/c");
    CHECK(j.at("totalResults") == 3);
    auto const& user = j.at("Resources").as_array()[0].as_object();
    CHECK(user.at("id") == "urn:ietf:params:scim:schemas:core:2.0:User");
    auto const& first = user.at("attributes").as_array()[0];
    CHECK(first.at("name") == "userName");
    CHECK(first.at("required") == true);
    CHECK(first.at("caseExact") == false);
    CHECK(first.at("uniqueness") == "server");
    CHECK(first.at("mutability") == "readWrite");
    bool saw_emails = false;
    for (auto const& a : user.at("attributes").as_array()) {
        if (a.at("name") == "emails") {
            saw_emails = true;
            CHECK(a.at("multiValued") == true);
            CHECK(a.at("type") == "complex");
            CHECK(a.at("subAttributes").as_array().size() == 4);
        }
        if (a.at("name") == "password") {
            CHECK(a.at("mutability") == "writeOnly");
            CHECK(a.at("returned") == "never");
        }
    }
    CHECK(saw_emails);
    CHECK(user.at("meta").at("location") ==
          "https://h/scim/v2/c/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
    CHECK(find_schema_by_id("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP") == &group_schema());
}
