# ssogate_build_options: compile options every target of ours links to.
add_library(ssogate_build_options INTERFACE)
target_compile_options(ssogate_build_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(SSOGATE_WERROR)
  target_compile_options(ssogate_build_options INTERFACE -Werror)
endif()
# Beast/Asio without their deprecated pieces; Boost.JSON and Boost.URL as libraries.
target_compile_definitions(ssogate_build_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
if(SSOGATE_SANITIZE)
  target_compile_options(ssogate_build_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(ssogate_build_options INTERFACE -fsanitize=address,undefined)
endif()

# ssogate_module(NAME [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# A library from <folder>/src/*.cpp whose only include path is <folder>/include
# (plus <folder>/src privately).
function(ssogate_module name)
  cmake_parse_arguments(arg "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  if(NOT sources)
    # A module that is headers only so far.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE "${CMAKE_CURRENT_SOURCE_DIR}/include")
    target_link_libraries(${name} INTERFACE ssogate_build_options ${arg_PUBLIC_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name}
    PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include"
    PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/src")
  target_link_libraries(${name} PUBLIC ssogate_build_options ${arg_PUBLIC_DEPS} PRIVATE ${arg_PRIVATE_DEPS})
endfunction()
