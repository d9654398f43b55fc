#include "stages/page_image.h"

#include <mutex>

#include <leptonica/allheaders.h>

namespace zpe {

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

namespace {

Result<std::string> take_leptonica_buffer(l_ok status, l_uint8* data, size_t size, const char* what) {
  if (status != 0 || data == nullptr) {
    if (data != nullptr) lept_free(data);
    return fail(ErrorKind::kInternal, std::string("cannot encode the page image as ") + what);
  }
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

PixPtr adopt(Pix* converted, Pix* source) {
  if (converted != nullptr && source != nullptr) pixCopyResolution(converted, source);
  return PixPtr(converted);
}

// True when every pixel of a 32-bit RGB image has R == G == B.
bool is_all_grey(Pix* pix) {
  const l_int32 height = pixGetHeight(pix);
  const l_int32 width = pixGetWidth(pix);
  const l_int32 wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  for (l_int32 y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (l_int32 x = 0; x < width; ++x) {
      l_int32 r = 0, g = 0, b = 0;
      extractRGBValues(line[x], &r, &g, &b);
      if (r != g || g != b) return false;
    }
  }
  return true;
}

// A 32-bit image without alpha, greyed when it holds no colour.
PixPtr normalise_colour(PixPtr pix) {
  if (pixGetSpp(pix.get()) == 4) pix = adopt(pixRemoveAlpha(pix.get()), pix.get());
  if (!pix) return pix;
  pixSetSpp(pix.get(), 3);
  if (is_all_grey(pix.get())) return adopt(pixConvertRGBToLuminance(pix.get()), pix.get());
  return pix;
}

}  // namespace

Result<PixPtr> decode_image(std::string_view bytes) {
  quiet_leptonica();
  if (bytes.empty()) return fail(ErrorKind::kInvalidInput, "the image is empty");
  PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size()));
  if (!pix) return fail(ErrorKind::kInvalidInput, "the image cannot be decoded");
  return pix;
}

Result<PixPtr> to_storage_depth(Pix* source) {
  quiet_leptonica();
  PixPtr pix(pixClone(source));
  if (pixGetColormap(pix.get()) != nullptr) {
    const l_int32 target = pixGetDepth(pix.get()) == 1 ? REMOVE_CMAP_TO_BINARY : REMOVE_CMAP_BASED_ON_SRC;
    pix = adopt(pixRemoveColormap(pix.get(), target), source);
  }
  if (!pix) return fail(ErrorKind::kInvalidInput, "the page's colour map cannot be resolved");
  switch (pixGetDepth(pix.get())) {
    case 1:
    case 8: break;
    case 2:
    case 4: pix = adopt(pixConvertTo8(pix.get(), 0), source); break;
    case 16: pix = adopt(pixConvert16To8(pix.get(), L_MS_BYTE), source); break;
    case 24: pix = adopt(pixConvert24To32(pix.get()), source); break;
    case 32: break;
    default: return fail(ErrorKind::kInvalidInput, "unsupported pixel depth " + std::to_string(pixGetDepth(pix.get())));
  }
  if (pix && pixGetDepth(pix.get()) == 32) pix = normalise_colour(std::move(pix));
  if (!pix) return fail(ErrorKind::kInvalidInput, "the page cannot be converted to a storable depth");
  return pix;
}

int stored_depth(Pix* pix) {
  const l_int32 depth = pixGetDepth(pix);
  return depth == 32 ? 24 : depth;
}

Result<std::string> encode_png(Pix* pix) {
  quiet_leptonica();
  l_uint8* data = nullptr;
  size_t size = 0;
  const l_ok status = pixWriteMem(&data, &size, pix, IFF_PNG);
  return take_leptonica_buffer(status, data, size, "PNG");
}

Result<std::string> encode_jpeg(Pix* pix, int quality) {
  quiet_leptonica();
  PixPtr source(pixClone(pix));
  if (pixGetColormap(source.get()) != nullptr) {
    source = adopt(pixRemoveColormap(source.get(), REMOVE_CMAP_BASED_ON_SRC), pix);
  }
  if (source && pixGetDepth(source.get()) != 8 && pixGetDepth(source.get()) != 32) {
    source = adopt(pixConvertTo8(source.get(), 0), pix);
  }
  if (!source) return fail(ErrorKind::kInternal, "cannot convert the page image for JPEG");
  l_uint8* data = nullptr;
  size_t size = 0;
  const l_ok status = pixWriteMemJpeg(&data, &size, source.get(), quality, 0);
  return take_leptonica_buffer(status, data, size, "JPEG");
}

}  // namespace zpe
