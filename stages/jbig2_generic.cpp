#include "stages/jbig2_generic.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <leptonica/allheaders.h>

namespace zpe {

namespace {

// ---- The MQ arithmetic encoder (T.88 Annex E) ---------------------------------------------

// One row of T.88 Table E.1: the LPS probability estimate and the next states.
struct QeRow {
  uint16_t qe;
  uint8_t next_mps;
  uint8_t next_lps;
  uint8_t switch_mps;  // 1: an LPS in this state swaps the sense of the MPS
};

constexpr QeRow kQe[47] = {
    {0x5601, 1, 1, 1},   {0x3401, 2, 6, 0},   {0x1801, 3, 9, 0},   {0x0AC1, 4, 12, 0},  {0x0521, 5, 29, 0},
    {0x0221, 38, 33, 0}, {0x5601, 7, 6, 1},   {0x5401, 8, 14, 0},  {0x4801, 9, 14, 0},  {0x3801, 10, 14, 0},
    {0x3001, 11, 17, 0}, {0x2401, 12, 18, 0}, {0x1C01, 13, 20, 0}, {0x1601, 29, 21, 0}, {0x5601, 15, 14, 1},
    {0x5401, 16, 14, 0}, {0x5101, 17, 15, 0}, {0x4801, 18, 16, 0}, {0x3801, 19, 17, 0}, {0x3401, 20, 18, 0},
    {0x3001, 21, 19, 0}, {0x2801, 22, 19, 0}, {0x2401, 23, 20, 0}, {0x2201, 24, 21, 0}, {0x1C01, 25, 22, 0},
    {0x1801, 26, 23, 0}, {0x1601, 27, 24, 0}, {0x1401, 28, 25, 0}, {0x1201, 29, 26, 0}, {0x1101, 30, 27, 0},
    {0x0AC1, 31, 28, 0}, {0x09C1, 32, 29, 0}, {0x08A1, 33, 30, 0}, {0x0521, 34, 31, 0}, {0x0441, 35, 32, 0},
    {0x02A1, 36, 33, 0}, {0x0221, 37, 34, 0}, {0x0141, 38, 35, 0}, {0x0111, 39, 36, 0}, {0x0085, 40, 37, 0},
    {0x0049, 41, 38, 0}, {0x0025, 42, 39, 0}, {0x0015, 43, 40, 0}, {0x0009, 44, 41, 0}, {0x0005, 45, 42, 0},
    {0x0001, 45, 43, 0}, {0x5601, 46, 46, 0},
};

// A context's adaptive state in one byte: the Qe table index << 1 | the MPS.
using ContextState = uint8_t;

class MqEncoder {
 public:
  // INITENC. The byte before the first output byte (T.88's BPST - 1) is a zero placeholder,
  // dropped by finish(); no carry can reach it because C + A stays below 2^27 until the
  // first BYTEOUT.
  MqEncoder() { out_.push_back('\0'); }

  void encode(ContextState& state, int bit) {
    const QeRow& row = kQe[state >> 1];
    const uint32_t qe = row.qe;
    const int mps = state & 1;
    a_ -= qe;
    if (bit == mps) {  // CODEMPS
      if ((a_ & 0x8000) != 0) {
        c_ += qe;
        return;
      }
      if (a_ < qe) {
        a_ = qe;
      } else {
        c_ += qe;
      }
      state = static_cast<ContextState>(row.next_mps << 1 | mps);
    } else {  // CODELPS
      if (a_ < qe) {
        c_ += qe;
      } else {
        a_ = qe;
      }
      state = static_cast<ContextState>(row.next_lps << 1 | (mps ^ row.switch_mps));
    }
    renormalise();
  }

  // FLUSH (SETBITS, two BYTEOUTs) and the 0xFF 0xAC marker; returns the coded bytes.
  std::string finish() {
    const uint32_t top = c_ + a_;
    c_ |= 0xFFFF;
    if (c_ >= top) c_ -= 0x8000;
    c_ <<= ct_;
    byte_out();
    c_ <<= ct_;
    byte_out();
    if (last() != 0xFF) out_.push_back(static_cast<char>(0xFF));
    out_.push_back(static_cast<char>(0xAC));
    return out_.substr(1);
  }

 private:
  uint8_t last() const { return static_cast<uint8_t>(out_.back()); }

  void renormalise() {  // RENORME
    do {
      a_ <<= 1;
      c_ <<= 1;
      if (--ct_ == 0) byte_out();
    } while ((a_ & 0x8000) == 0);
  }

  void byte_out() {  // BYTEOUT, with the bit stuffing after an 0xFF byte
    if (last() != 0xFF) {
      if (c_ >= 0x8000000) {  // a carry into the byte already written
        out_.back() = static_cast<char>(last() + 1);
        c_ &= 0x7FFFFFF;
      }
      if (last() != 0xFF) {
        out_.push_back(static_cast<char>(c_ >> 19));
        c_ &= 0x7FFFF;
        ct_ = 8;
        return;
      }
    }
    out_.push_back(static_cast<char>(c_ >> 20));
    c_ &= 0xFFFFF;
    ct_ = 7;
  }

  uint32_t a_ = 0x8000;  // the interval
  uint32_t c_ = 0;       // the code register
  int ct_ = 12;          // shifts until the next BYTEOUT
  std::string out_;      // out_.back() is T.88's B
};

// ---- Generic region coding (T.88 6.2.5, template 0, TPGDON) -------------------------------

// The context T.88 6.2.5.7 codes SLTP with for template 0.
constexpr uint32_t kTypicalPredictionContext = 0x9B25;

// Template 0 with the nominal adaptive pixels A1 (3,-1), A2 (-3,-1), A3 (2,-2), A4 (-2,-2);
// as signed bytes in the segment's AT field.
constexpr int8_t kNominalAtPixels[8] = {3, -1, -3, -1, 2, -2, -2, -2};

// A page row as 32-bit words, pixel x at bit 31 - x % 32 of word x / 32 (Leptonica's order),
// bits past the width cleared and one spare zero word at the end, so x + 3 may be read for
// any x < width.
class PackedRow {
 public:
  explicit PackedRow(int width) : words_(static_cast<size_t>((width + 31) / 32 + 1), 0u), width_(width) {}
  void load(const l_uint32* line) {
    const int full = width_ / 32, rest = width_ % 32;
    std::memcpy(words_.data(), line, sizeof(uint32_t) * static_cast<size_t>(full));
    if (rest != 0) words_[static_cast<size_t>(full)] = line[full] & (~0u << (32 - rest));
  }
  uint32_t pixel(int x) const { return (words_[static_cast<size_t>(x >> 5)] >> (31 - (x & 31))) & 1u; }
  bool operator==(const PackedRow& other) const { return words_ == other.words_; }

 private:
  std::vector<uint32_t> words_;
  int width_;
};

// Codes one row that typical prediction could not skip. The 16-bit context of pixel x
// (T.88 Figure 3 with the nominal AT pixels, bit order as 6.2.5.3 and decoders form it):
//   bits 15..11: row y-2, pixels x-2 .. x+2   (A4, x-1, x, x+1, A3)
//   bits 10..4:  row y-1, pixels x-3 .. x+3   (A2, x-2 .. x+2, A1)
//   bits  3..0:  row y,   pixels x-4 .. x-1
// It rolls from pixel to pixel: shifted left by one, each field loses its oldest pixel and
// takes the newest (x+2 of y-2, x+3 of y-1, x-1 of y).
void encode_row(MqEncoder& coder, std::vector<ContextState>& states, const PackedRow& above2,
                const PackedRow& above1, const PackedRow& row, int width) {
  constexpr uint32_t kKeptWhenRolling = 0xF000 | 0x07E0 | 0x000E;
  uint32_t context = (above2.pixel(0) << 12) | (above2.pixel(1) << 11) | (above1.pixel(0) << 6) |
                     (above1.pixel(1) << 5) | (above1.pixel(2) << 4);
  uint32_t left = 0;  // pixel x-1 of this row
  for (int x = 0; x < width; ++x) {
    context = ((context << 1) & kKeptWhenRolling) | (above2.pixel(x + 2) << 11) | (above1.pixel(x + 3) << 4) | left;
    left = row.pixel(x);
    coder.encode(states[context], static_cast<int>(left));
  }
}

// The arithmetic-coded data of the region: every row, TPGDON on.
std::string encode_generic_region(Pix* page) {
  const int width = pixGetWidth(page), height = pixGetHeight(page), wpl = pixGetWpl(page);
  const l_uint32* data = pixGetData(page);
  MqEncoder coder;
  std::vector<ContextState> states(1u << 16, 0);
  PackedRow above2(width), above1(width), row(width);
  bool previous_typical = false;  // LTP
  for (int y = 0; y < height; ++y) {
    row.load(data + static_cast<std::ptrdiff_t>(y) * wpl);
    const bool typical = row == above1;  // above the first row: all white
    coder.encode(states[kTypicalPredictionContext], typical != previous_typical ? 1 : 0);  // SLTP
    previous_typical = typical;
    if (!typical) encode_row(coder, states, above2, above1, row, width);
    std::swap(above2, above1);
    std::swap(above1, row);
  }
  return coder.finish();
}

// ---- Segments (T.88 7.2, 7.4) -------------------------------------------------------------

enum SegmentType : uint8_t {
  kImmediateLosslessGenericRegion = 39,
  kPageInformation = 48,
  kEndOfPage = 49,
  kEndOfFile = 51,
};

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

// A segment header (7.2) with no referred-to segments, then the data. `page` 1, or 0 for
// the end-of-file segment, which belongs to no page.
void put_segment(std::string& out, uint32_t number, SegmentType type, const std::string& data, uint8_t page = 1) {
  put_u32(out, number);
  out.push_back(static_cast<char>(type));  // flags: 1-byte page association, retained
  out.push_back('\0');                     // no referred-to segments
  out.push_back(static_cast<char>(page));
  put_u32(out, static_cast<uint32_t>(data.size()));
  out += data;
}

uint32_t pixels_per_metre(l_int32 dpi) { return dpi > 0 ? static_cast<uint32_t>(std::lround(dpi / 0.0254)) : 0u; }

// The page information segment's data (7.4.8): size, resolution, flags, no striping.
std::string page_information(Pix* page) {
  std::string data;
  put_u32(data, static_cast<uint32_t>(pixGetWidth(page)));
  put_u32(data, static_cast<uint32_t>(pixGetHeight(page)));
  put_u32(data, pixels_per_metre(pixGetXRes(page)));
  put_u32(data, pixels_per_metre(pixGetYRes(page)));
  data.push_back('\1');  // eventually lossless; default pixel 0 (white); combination OR
  data.append(2, '\0');  // not striped
  return data;
}

// The generic region segment's data (7.4.6): region information, flags, AT pixels, code.
std::string generic_region(Pix* page) {
  std::string data;
  put_u32(data, static_cast<uint32_t>(pixGetWidth(page)));
  put_u32(data, static_cast<uint32_t>(pixGetHeight(page)));
  put_u32(data, 0);                // x
  put_u32(data, 0);                // y
  data.push_back('\0');            // external combination operator OR
  data.push_back('\x08');          // MMR 0, GBTEMPLATE 0, TPGDON 1
  for (int8_t at : kNominalAtPixels) data.push_back(static_cast<char>(at));
  data += encode_generic_region(page);
  return data;
}

Status check_bilevel(Pix* page) {
  if (page == nullptr || pixGetDepth(page) != 1 || pixGetColormap(page) != nullptr) {
    return fail(ErrorKind::kInvalidInput, "JBIG2 coding needs a 1-bit page without a colour map");
  }
  if (pixGetWidth(page) <= 0 || pixGetHeight(page) <= 0) return fail(ErrorKind::kInvalidInput, "the page has no pixels");
  return {};
}

}  // namespace

Result<std::string> encode_jbig2_generic(Pix* page) {
  if (Status ok = check_bilevel(page); !ok) return fail(ok.error());
  std::string out;
  put_segment(out, 0, kPageInformation, page_information(page));
  put_segment(out, 1, kImmediateLosslessGenericRegion, generic_region(page));
  return out;
}

Result<std::string> encode_jbig2_file(Pix* page) {
  auto embedded = encode_jbig2_generic(page);
  if (!embedded) return embedded;
  std::string out("\x97JB2\r\n\x1A\n", 8);
  out.push_back('\1');  // sequential organisation, number of pages known
  put_u32(out, 1);
  out += *embedded;
  put_segment(out, 2, kEndOfPage, "");
  put_segment(out, 3, kEndOfFile, "", 0);
  return out;
}

}  // namespace zpe
