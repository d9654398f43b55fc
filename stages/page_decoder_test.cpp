#include "stages/page_decoder.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <libexif/exif-data.h>
#include <podofo/podofo.h>

namespace zpe {
namespace {

std::string jpeg_of(int width, int height) {
  PixPtr pix(pixCreate(width, height, 8));
  pixSetAllArbitrary(pix.get(), 200);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemJpeg(&data, &size, pix.get(), 90, 0);
  std::string out(reinterpret_cast<char*>(data), size);
  std::free(data);
  return out;
}

// Inserts an APP1 EXIF segment with this orientation right after the JPEG's SOI marker.
std::string with_exif_orientation(const std::string& jpeg, int orientation) {
  ExifData* exif = exif_data_new();
  exif_data_set_byte_order(exif, EXIF_BYTE_ORDER_INTEL);
  ExifEntry* entry = exif_entry_new();
  exif_content_add_entry(exif->ifd[EXIF_IFD_0], entry);
  exif_entry_initialize(entry, EXIF_TAG_ORIENTATION);
  exif_set_short(entry->data, EXIF_BYTE_ORDER_INTEL, static_cast<ExifShort>(orientation));
  unsigned char* data = nullptr;
  unsigned int size = 0;
  exif_data_save_data(exif, &data, &size);
  std::string segment = "\xff\xe1";
  segment.push_back(static_cast<char>(((size + 2) >> 8) & 0xff));
  segment.push_back(static_cast<char>((size + 2) & 0xff));
  segment.append(reinterpret_cast<char*>(data), size);
  std::free(data);
  exif_entry_unref(entry);
  exif_data_unref(exif);
  return jpeg.substr(0, 2) + segment + jpeg.substr(2);
}

std::vector<DecodedPage> decode(const std::string& bytes, bool pdf) {
  std::vector<DecodedPage> pages;
  PageSink sink = [&](DecodedPage page) -> Status {
    pages.push_back(std::move(page));
    return {};
  };
  auto status = pdf ? decode_pdf_pages(bytes, DecodeLimits{}, sink) : decode_raster_pages(bytes, DecodeLimits{}, sink);
  EXPECT_TRUE(status) << status.error().message;
  return pages;
}

TEST(PageDecoder, JpegIsTurnedAsItsExifOrientationSays) {
  auto pages = decode(with_exif_orientation(jpeg_of(300, 120), 6), false);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].exif_orientation, 6);
  EXPECT_EQ(pixGetWidth(pages[0].image.get()), 120) << "a quarter turn makes the landscape JPEG portrait";
  EXPECT_EQ(pixGetHeight(pages[0].image.get()), 300);
}

TEST(PageDecoder, JpegWithoutExifStaysAsStored) {
  auto pages = decode(jpeg_of(300, 120), false);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].exif_orientation, 1);
  EXPECT_EQ(pixGetWidth(pages[0].image.get()), 300);
}

// An image-only PDF page holding a 150 dpi A4 scan is rendered at 150 dpi, not at pdf_dpi.
TEST(PageDecoder, ScannedPdfPageIsRenderedAtItsImagesOwnResolution) {
  const std::string jpeg = jpeg_of(1240, 1754);  // A4 at 150 dpi
  PoDoFo::PdfMemDocument doc;
  PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfRect(0, 0, 595.2, 841.9));
  PoDoFo::PdfImage image(&doc);
  image.LoadFromData(reinterpret_cast<const unsigned char*>(jpeg.data()), static_cast<PoDoFo::pdf_long>(jpeg.size()));
  PoDoFo::PdfPainter painter;
  painter.SetPage(page);
  painter.DrawImage(0, 0, &image, 595.2 / 1240, 841.9 / 1754);
  painter.FinishPage();
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  doc.Write(&device);
  auto pages = decode(std::string(buffer.GetBuffer(), device.Tell()), true);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_TRUE(pages[0].dpi_native);
  EXPECT_EQ(pages[0].dpi_x, 150);
  EXPECT_NEAR(pixGetWidth(pages[0].image.get()), 1240, 2);
}

}  // namespace
}  // namespace zpe

namespace zpe {
namespace {

// JavaScript hidden in a compressed object stream (qpdf --object-streams=generate) is
// invisible to a search of the raw bytes; PoDoFo's parse of the objects still finds it.
TEST(PageDecoder, PdfWithJavaScriptInsideAnObjectStreamIsRefused) {
  PoDoFo::PdfMemDocument doc;
  PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfRect(0, 0, 595, 842));
  (void)page;
  PoDoFo::PdfObject* action = doc.GetObjects().CreateObject();
  action->GetDictionary().AddKey("S", PoDoFo::PdfName("JavaScript"));
  action->GetDictionary().AddKey("JS", PoDoFo::PdfString("app.alert('hello');"));
  doc.GetCatalog()->GetDictionary().AddKey("OpenAction", action->Reference());
  auto dir = std::filesystem::temp_directory_path() / ("zpe-js-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  doc.Write((dir / "plain.pdf").c_str());
  std::string cmd = "qpdf --object-streams=generate --compress-streams=y '" + (dir / "plain.pdf").string() + "' '" +
                    (dir / "hidden.pdf").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "qpdf is needed (scripts/setup.sh installs it)";
  std::ifstream in(dir / "hidden.pdf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove_all(dir);
  ASSERT_EQ(bytes.find("/JavaScript"), std::string::npos) << "the marker must be hidden for this test to mean anything";
  auto status = decode_pdf_pages(bytes, DecodeLimits{}, [](DecodedPage) -> Status { return {}; });
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("JavaScript"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace zpe
