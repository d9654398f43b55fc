#include "stages/casefile_pdf.h"

#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "stages/testing_page_images.h"

namespace zpe {
namespace {

std::string small_jpeg() {
  PixPtr page = testing::render_text_page({"x"}, 300, 200, 300);
  auto jpeg = encode_jpeg(page.get(), 80);
  EXPECT_TRUE(jpeg);
  return jpeg ? *jpeg : std::string();
}

TEST(CasefilePdf, CasefilePdf_RecordsTitleAndGivenCreationDateOnly) {
  CasefilePdf pdf({"Aktenzeichen 8123456-423", "2025-03-12T10:04:05Z"});
  ASSERT_TRUE(pdf.add_jpeg_page(small_jpeg(), 300, 200, 300, 300));
  auto bytes = pdf.finish();
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(pdf.page_count(), 1);
  PoDoFo::PdfMemDocument reread;
  reread.LoadFromBuffer(bytes->data(), static_cast<long>(bytes->size()));
  EXPECT_EQ(reread.GetInfo()->GetTitle().GetStringUtf8(), "Aktenzeichen 8123456-423");
  EXPECT_NE(bytes->find("D:20250312100405Z"), std::string::npos);
  EXPECT_EQ(reread.GetPageCount(), 1);
}

TEST(CasefilePdf, CasefilePdf_SamePagesGiveSameBytes) {
  const std::string jpeg = small_jpeg();
  CasefilePdf first({"T", ""});
  CasefilePdf second({"T", ""});
  ASSERT_TRUE(first.add_jpeg_page(jpeg, 300, 200, 300, 300));
  ASSERT_TRUE(second.add_jpeg_page(jpeg, 300, 200, 300, 300));
  auto a = first.finish();
  auto b = second.finish();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->find("CreationDate"), std::string::npos);
}

TEST(CasefilePdf, CasefilePdf_ReportsBrokenJpegAsErrorNotException) {
  CasefilePdf pdf({"T", ""});
  const auto added = pdf.add_jpeg_page("this is not a jpeg", 300, 200, 300, 300);
  EXPECT_FALSE(added);
  EXPECT_FALSE(pdf.add_jpeg_page(small_jpeg(), 0, 200, 300, 300));
  EXPECT_FALSE(pdf.finish()) << "a PDF without pages is an error";
}

}  // namespace
}  // namespace zpe
