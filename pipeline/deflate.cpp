#include "pipeline/deflate.h"

#include <zlib.h>

#include <new>

namespace zpe {

std::string deflate_bytes(std::string_view bytes) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  // Z_BEST_COMPRESSION: the values are small and written once, read rarely.
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
                           static_cast<uLong>(bytes.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) throw std::bad_alloc();  // compressBound leaves room: only memory can fail
  out.resize(size);
  return out;
}

Result<std::string> inflate_bytes(std::string_view compressed, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return fail(ErrorKind::kIOError, "zlib: cannot start inflating");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
    if (out.size() > max_bytes) rc = Z_MEM_ERROR;
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) rc = Z_DATA_ERROR;  // truncated
  }
  inflateEnd(&stream);
  if (out.size() > max_bytes) {
    return fail(ErrorKind::kCorruption, "compressed value inflates beyond " + std::to_string(max_bytes) + " bytes");
  }
  if (rc != Z_STREAM_END) return fail(ErrorKind::kCorruption, "compressed value is damaged (zlib " + std::to_string(rc) + ")");
  return out;
}

}  // namespace zpe
