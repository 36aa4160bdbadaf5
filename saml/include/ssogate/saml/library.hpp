#pragma once
// saml::library_guard — process-wide initialisation of libxml2, xmlsec1 and its
// OpenSSL backend (STYLE.md rule 9: global init happens once, in one guard object
// created by `main`, never in a static initializer).
#include <string>

namespace ssogate::saml {

/// Initialises the XML and crypto libraries that saml/ uses, and hardens their
/// process-wide defaults.
///
/// Create one in `main` (or in a test listener) before any other saml function is
/// called, and keep it alive until every thread that uses saml/ has finished.
/// Every saml function that touches XML or keys requires a live guard; calling one
/// without it aborts the process (fail closed, never run with xmlsec's defaults).
///
/// Guards are reference-counted: the first live guard initialises, further guards
/// only add a reference, and the last one to be destroyed shuts xmlsec down
/// (libxml2 itself is never torn down: `xmlCleanupParser` is unsafe while any other
/// code of the process may still use libxml2).
///
/// What the guard changes process-wide, and why:
/// - checks that the xmlsec library loaded at run time is ABI-compatible with the
///   headers we were built with (`xmlSecCheckVersion`);
/// - removes XSLT and XPath/XPath2 from xmlsec's global list of transforms, so no
///   `Transform Algorithm` in a document can ever instantiate them (the verifier's
///   per-context allow-lists are the first line; this is the second);
/// - removes xmlsec's I/O callbacks (file, http, ftp), so no Reference or
///   RetrievalMethod URI can make xmlsec read a file or the network;
/// - installs a libxml2 external-entity loader that refuses everything, so no
///   DTD, entity or XInclude can reach the file system or network through libxml2;
/// - routes xmlsec's error reports into a per-thread buffer (read by the verifier
///   for its log detail) instead of stderr.
///
/// @par Thread safety
/// Constructing and destroying guards is serialised by an internal mutex, but the
/// underlying library initialisation is not thread-safe with respect to *other*
/// libxml2/xmlsec users: create the first guard before starting threads. While a
/// guard is alive, all saml functions may be called concurrently from any thread.
class library_guard {
public:
    /// Initialises (first guard) or adds a reference. Throws std::runtime_error if a
    /// library fails to initialise or the xmlsec version is incompatible (a startup
    /// failure: STYLE.md rule 8 allows exceptions here).
    library_guard();
    ~library_guard();

    library_guard(library_guard const&) = delete;
    library_guard& operator=(library_guard const&) = delete;

    /// True while at least one guard is alive.
    static bool active() noexcept;

    /// "libxml2 2.9.14, xmlsec1 1.2.37 (openssl), OpenSSL 3.0.x" — for `ssogate version`.
    static std::string versions();
};

} // namespace ssogate::saml
