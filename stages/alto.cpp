#include "stages/alto.h"

#include <cstdio>

#include "pipeline/xml_text.h"

namespace zpe {

namespace {

std::string box_attributes(const PixelBox& box) {
  return " HPOS=\"" + std::to_string(box.left) + "\" VPOS=\"" + std::to_string(box.top) + "\" WIDTH=\"" +
         std::to_string(box.width()) + "\" HEIGHT=\"" + std::to_string(box.height()) + "\"";
}

std::string word_confidence(double confidence) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", confidence < 0 ? 0.0 : confidence > 100 ? 1.0 : confidence / 100.0);
  return buf;
}

void append_page(std::string& out, const RecognisedPage& page, int number) {
  const std::string id = "p" + std::to_string(number);
  const PixelBox whole{0, 0, page.width, page.height};
  out += "    <Page ID=\"" + id + "\" PHYSICAL_IMG_NR=\"" + std::to_string(number) + "\" WIDTH=\"" +
         std::to_string(page.width) + "\" HEIGHT=\"" + std::to_string(page.height) + "\">\n";
  out += "      <PrintSpace" + box_attributes(whole) + ">\n";
  int current_block = -1;
  int line_number = 0;
  int word_number = 0;
  for (const RecognisedLine& line : page.lines) {
    if (line.block != current_block) {
      if (current_block >= 0) out += "        </TextBlock>\n";
      current_block = line.block;
      out += "        <TextBlock ID=\"" + id + "_b" + std::to_string(line.block) + "\">\n";
    }
    out += "          <TextLine ID=\"" + id + "_l" + std::to_string(++line_number) + "\"" + box_attributes(line.box) +
           " BASELINE=\"" + std::to_string(line.baseline) + "\">\n";
    for (size_t i = 0; i < line.words.size(); ++i) {
      const RecognisedWord& word = line.words[i];
      if (i > 0) out += "            <SP/>\n";
      out += "            <String ID=\"" + id + "_w" + std::to_string(++word_number) + "\" CONTENT=\"" +
             xml_escape(word.text) + "\"" + box_attributes(word.box) + " WC=\"" + word_confidence(word.confidence) +
             "\"/>\n";
    }
    out += "          </TextLine>\n";
  }
  if (current_block >= 0) out += "        </TextBlock>\n";
  out += "      </PrintSpace>\n    </Page>\n";
}

}  // namespace

std::string alto_xml(const std::vector<RecognisedPage>& pages, const std::string& source_file,
                     const std::string& software) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v4# "
      "http://www.loc.gov/alto/v4/alto-4-2.xsd\">\n"
      "  <Description>\n    <MeasurementUnit>pixel</MeasurementUnit>\n"
      "    <sourceImageInformation><fileName>" + xml_escape(source_file) + "</fileName></sourceImageInformation>\n"
      "    <OCRProcessing ID=\"ocr\"><ocrProcessingStep><processingSoftware><softwareName>" + xml_escape(software) +
      "</softwareName></processingSoftware></ocrProcessingStep></OCRProcessing>\n"
      "  </Description>\n  <Layout>\n";
  for (size_t i = 0; i < pages.size(); ++i) append_page(out, pages[i], static_cast<int>(i + 1));
  return out + "  </Layout>\n</alto>\n";
}

}  // namespace zpe
