#include "inbound/proxy_reader.h"

#include <boost/asio/buffer.hpp>

namespace postern::inbound {
namespace asio = boost::asio;

namespace {

// Appends exactly n bytes to out; false when the peer closed first.
asio::awaitable<bool> read_exactly(Transport& io, std::string& out, std::size_t n) {
  std::size_t start = out.size();
  out.resize(start + n);
  std::size_t got = 0;
  while (got < n) {
    std::size_t r = co_await io.read_some(asio::buffer(out.data() + start + got, n - got));
    if (r == 0) co_return false;
    got += r;
  }
  co_return true;
}

}  // namespace

asio::awaitable<Result<proxy::Header>> read_proxy_header(Transport& io) {
  std::string header;
  if (!co_await read_exactly(io, header, 8)) co_return Error{"connection closed before the PROXY header"};
  switch (proxy::detect(header)) {
    case proxy::Version::V1:
      // One byte at a time up to CRLF: the line is short, and nothing past it may be consumed.
      while (header.size() < proxy::kV1MaxLength &&
             !(header.size() >= 2 && header.compare(header.size() - 2, 2, "\r\n") == 0)) {
        if (!co_await read_exactly(io, header, 1)) co_return Error{"connection closed inside the PROXY header"};
      }
      co_return proxy::parse_v1(header);
    case proxy::Version::V2: {
      if (!co_await read_exactly(io, header, proxy::kV2FixedLength - 8))
        co_return Error{"connection closed inside the PROXY header"};
      auto length = proxy::v2_payload_length(header);
      if (!length) co_return length.error();
      if (*length > 0 && !co_await read_exactly(io, header, *length))
        co_return Error{"connection closed inside the PROXY header"};
      co_return proxy::parse_v2(header);
    }
    case proxy::Version::Neither:
      break;
  }
  co_return Error{"the connection did not start with a PROXY header"};
}

}  // namespace postern::inbound
