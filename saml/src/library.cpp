#include <ssogate/saml/library.hpp>

#include "detail/library_state.hpp"

#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/parser.h>
#include <xmlsec/transforms.h>
#include <xmlsec/version.h>
#include <xmlsec/xmlsec.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <initializer_list>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace ssogate::saml {
namespace {

std::mutex guard_mutex;
int guard_count = 0; // guarded by guard_mutex
std::atomic<bool> initialised{false};

thread_local std::string last_xmlsec_error;

// xmlsec reports every failure through this callback (also failures that are an
// expected outcome, e.g. a signature that does not verify with the first of two
// rollover keys). Keep the first report of the current operation for the log.
void on_xmlsec_error(char const* file, int line, char const* func, char const* error_object,
                     char const* error_subject, int reason, char const* msg)
{
    (void)file;
    (void)line;
    if (!last_xmlsec_error.empty())
        return;
    last_xmlsec_error = std::string(func != nullptr ? func : "?") + ": " +
                        (msg != nullptr ? msg : "") + " (reason " + std::to_string(reason);
    if (error_object != nullptr)
        last_xmlsec_error += std::string(", object ") + error_object;
    if (error_subject != nullptr)
        last_xmlsec_error += std::string(", subject ") + error_subject;
    last_xmlsec_error += ")";
}

// Never load an external entity, DTD or XInclude target, whatever a caller's parse
// options say. Blocks XXE (OWASP "XML External Entity Prevention") process-wide.
xmlParserInputPtr refuse_external_entity(char const* url, char const* id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return nullptr;
}

// Rebuilds xmlsec's global transform registry without `banned` (xmlSecPtrListRemove
// would leave a null hole that breaks every later lookup by href).
void remove_transforms(std::initializer_list<xmlSecTransformId> banned)
{
    xmlSecPtrListPtr const list = xmlSecTransformIdsGet();
    std::vector<xmlSecPtr> keep;
    for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(list); ++i) {
        xmlSecPtr const item = xmlSecPtrListGetItem(list, i);
        if (item != nullptr && std::find(banned.begin(), banned.end(), static_cast<xmlSecTransformId>(item)) == banned.end())
            keep.push_back(item);
    }
    xmlSecPtrListEmpty(list);
    for (xmlSecPtr item : keep)
        xmlSecPtrListAdd(list, item);
}

void initialise()
{
    xmlInitParser();
    LIBXML_TEST_VERSION;
    xmlSetExternalEntityLoader(refuse_external_entity);

    if (xmlSecInit() < 0)
        throw std::runtime_error("xmlsec initialisation failed (xmlSecInit)");
    if (xmlSecCheckVersion() != 1) {
        xmlSecShutdown();
        throw std::runtime_error("the loaded xmlsec library is not compatible with " XMLSEC_VERSION);
    }
    if (xmlSecCryptoAppInit(nullptr) < 0) {
        xmlSecShutdown();
        throw std::runtime_error("xmlsec OpenSSL backend initialisation failed (xmlSecCryptoAppInit)");
    }
    if (xmlSecCryptoInit() < 0) {
        xmlSecCryptoAppShutdown();
        xmlSecShutdown();
        throw std::runtime_error("xmlsec crypto initialisation failed (xmlSecCryptoInit)");
    }
    xmlSecErrorsSetCallback(on_xmlsec_error);
    // xmlsec's own parses (it re-parses decrypted content in xmlSecEncCtxDecrypt):
    // never the network, never entities.
    xmlSecParserSetDefaultOptions(XML_PARSE_NONET | XML_PARSE_NODICT);
    // No document may reach a file or URL through xmlsec (Reference URI="file:...",
    // RetrievalMethod URI="http://..."). Same-document references need no I/O.
    xmlSecIOCleanupCallbacks();
    // Transforms that are never legitimate in SAML and that have a history of
    // abuse (XSLT: code execution and file access; XPath: denial of service and
    // signature-wrapping filters). Removing them from the global registry means
    // `Transform Algorithm="...xslt..."` cannot even be instantiated.
    remove_transforms({xmlSecTransformXsltId, xmlSecTransformXPathId, xmlSecTransformXPath2Id});
    initialised.store(true, std::memory_order_release);
}

void shut_down()
{
    initialised.store(false, std::memory_order_release);
    xmlSecCryptoShutdown();
    xmlSecCryptoAppShutdown();
    xmlSecShutdown();
}

} // namespace

library_guard::library_guard()
{
    std::lock_guard lock(guard_mutex);
    if (guard_count == 0)
        initialise();
    ++guard_count;
}

library_guard::~library_guard()
{
    std::lock_guard lock(guard_mutex);
    if (--guard_count == 0)
        shut_down();
}

bool library_guard::active() noexcept
{
    return initialised.load(std::memory_order_acquire);
}

std::string library_guard::versions()
{
    return std::string("libxml2 ") + LIBXML_DOTTED_VERSION + ", xmlsec1 " + XMLSEC_VERSION +
           " (openssl), " + OpenSSL_version(OPENSSL_VERSION);
}

namespace detail {

void require_library() noexcept
{
    if (!initialised.load(std::memory_order_acquire)) {
        std::fputs("ssogate::saml used without a live saml::library_guard; aborting\n", stderr);
        std::abort();
    }
}

void clear_xmlsec_error() noexcept
{
    last_xmlsec_error.clear();
}

std::string take_xmlsec_error()
{
    std::string out = std::move(last_xmlsec_error);
    last_xmlsec_error.clear();
    return out;
}

} // namespace detail
} // namespace ssogate::saml
