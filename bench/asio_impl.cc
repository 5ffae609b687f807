// Standalone builds only (cmake -S bench): compiles Boost.Asio and its SSL layer once, as
// src/net/asio_impl.cc does for the main build, where smtpload links postern_asio instead.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
