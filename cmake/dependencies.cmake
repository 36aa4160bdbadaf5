# Every dependency comes from Debian 12's packages (scripts/install-deps).
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)  # raw DEFLATE for the SAML HTTP-Redirect binding
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json url)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pkg_check_modules(XMLSEC REQUIRED IMPORTED_TARGET xmlsec1-openssl)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# libpq (libpq-dev): the PostgreSQL backend of store/ (issue 10), used directly through RAII wrappers.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(TOMLPLUSPLUS REQUIRED IMPORTED_TARGET tomlplusplus)
find_package(CLI11 REQUIRED CONFIG)
