#include "stages/ocr_checkpoint.h"

#include <array>

namespace zpe {

namespace {

using nlohmann::json;

json box_json(const PixelBox& box) { return json::array({box.left, box.top, box.right, box.bottom}); }

PixelBox box_of(const json& value) {
  return PixelBox{value.at(0).get<int>(), value.at(1).get<int>(), value.at(2).get<int>(), value.at(3).get<int>()};
}

json layout_json(const RecognisedPage& page) {
  json lines = json::array();
  for (const RecognisedLine& line : page.lines) {
    json words = json::array();
    for (const RecognisedWord& word : line.words) {
      words.push_back({{"text", word.text}, {"box", box_json(word.box)}, {"confidence", word.confidence}});
    }
    lines.push_back({{"block", line.block}, {"box", box_json(line.box)}, {"baseline", line.baseline}, {"words", words}});
  }
  return {{"width", page.width},     {"height", page.height},   {"text", page.text},
          {"confidence", page.confidence}, {"words", page.words}, {"lines", lines}};
}

// Throws nlohmann::json's exceptions on a malformed layout; restore_ocr_page catches them.
RecognisedPage layout_of(const json& value) {
  RecognisedPage page;
  page.width = value.at("width").get<int>();
  page.height = value.at("height").get<int>();
  page.text = value.at("text").get<std::string>();
  page.confidence = value.at("confidence").get<double>();
  page.words = value.at("words").get<int>();
  for (const json& line_value : value.at("lines")) {
    RecognisedLine line;
    line.block = line_value.at("block").get<int>();
    line.box = box_of(line_value.at("box"));
    line.baseline = line_value.at("baseline").get<int>();
    for (const json& word_value : line_value.at("words")) {
      line.words.push_back({word_value.at("text").get<std::string>(), box_of(word_value.at("box")),
                            word_value.at("confidence").get<double>()});
    }
    page.lines.push_back(std::move(line));
  }
  return page;
}

std::optional<PdfPageImage::Encoding> encoding_named(const std::string& name) {
  for (auto encoding : {PdfPageImage::Encoding::kCcittG4, PdfPageImage::Encoding::kJbig2, PdfPageImage::Encoding::kJpeg,
                        PdfPageImage::Encoding::kFlate}) {
    if (name == encoding_name(encoding)) return encoding;
  }
  return std::nullopt;
}

}  // namespace

StageValue<json> save_ocr_page(BlobAccess& blobs, const RecognisedPage& text, const StoredPageImage& image,
                               const std::string& where) {
  std::string layout_text;
  try {
    layout_text = layout_json(text).dump();
  } catch (const json::exception&) {
    // Text that is not UTF-8 cannot go into JSON: record the page as one to recognise again.
    return json{{"not_restorable", "the recognised text is not valid UTF-8"}};
  }
  auto layout = write_blob(blobs, layout_text, where + " recognised layout");
  if (!layout) return tl::unexpected(layout.error());
  auto bytes = write_blob(blobs, image.image.bytes, where + " PDF image");
  if (!bytes) return tl::unexpected(bytes.error());
  json mask;  // a mixed raster's text mask
  if (image.image.mask) {
    auto mask_blob = write_blob(blobs, image.image.mask->bytes, where + " PDF text mask");
    if (!mask_blob) return tl::unexpected(mask_blob.error());
    mask = {{"blob", *mask_blob},
            {"encoding", encoding_name(image.image.mask->encoding)},
            {"grey", image.image.mask->grey},
            {"background_width", image.image.background_width},
            {"background_height", image.image.background_height}};
  }
  return json{{"layout", *layout},
              {"mask", std::move(mask)},
              {"image", *bytes},
              {"encoding", encoding_name(image.image.encoding)},
              {"width", image.image.width},
              {"height", image.image.height},
              {"components", image.image.components},
              {"dpi_x", image.image.dpi_x},
              {"dpi_y", image.image.dpi_y},
              {"image_record", image.record}};
}

std::optional<OcrPageResult> restore_ocr_page(BlobAccess& blobs, const json& saved) {
  try {
    const auto encoding = encoding_named(saved.at("encoding").get<std::string>());
    if (!encoding) return std::nullopt;
    auto layout = blobs.read(saved.at("layout").get<std::string>());
    auto bytes = blobs.read(saved.at("image").get<std::string>());
    if (!layout || !bytes) return std::nullopt;
    const json layout_value = json::parse(*layout, nullptr, false);
    if (!layout_value.is_object()) return std::nullopt;
    OcrPageResult out;
    out.text = layout_of(layout_value);
    out.image.image.encoding = *encoding;
    out.image.image.bytes = std::move(*bytes);
    out.image.image.width = saved.at("width").get<int>();
    out.image.image.height = saved.at("height").get<int>();
    out.image.image.components = saved.at("components").get<int>();
    out.image.image.dpi_x = saved.at("dpi_x").get<int>();
    out.image.image.dpi_y = saved.at("dpi_y").get<int>();
    out.image.record = saved.at("image_record");
    if (const auto mask = saved.find("mask"); mask != saved.end() && !mask->is_null()) {
      const auto mask_encoding = encoding_named(mask->at("encoding").get<std::string>());
      auto mask_bytes = blobs.read(mask->at("blob").get<std::string>());
      if (!mask_encoding || !mask_bytes) return std::nullopt;
      out.image.image.mask = PdfPageImage::TextMask{*mask_encoding, std::move(*mask_bytes), mask->at("grey").get<int>()};
      out.image.image.background_width = mask->at("background_width").get<int>();
      out.image.image.background_height = mask->at("background_height").get<int>();
    }
    return out;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace zpe
