// The one translation unit that compiles Boost.Asio and its SSL layer
// (BOOST_ASIO_SEPARATE_COMPILATION): every other file includes only the declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
