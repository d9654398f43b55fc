#include "pipeline/pdf_names.h"

#include <gtest/gtest.h>

namespace zpe {
namespace {

TEST(PdfNames, FindsTheNameAsAParserReadsIt) {
  EXPECT_TRUE(pdf_uses_name("trailer << /Root 1 0 R /Encrypt 4 0 R >>", "Encrypt"));
  EXPECT_TRUE(pdf_uses_name("trailer<</Encrypt<</Filter/Standard>>>>", "Encrypt"));
  EXPECT_TRUE(pdf_uses_name("<</Encr#79pt 4 0 R>>", "Encrypt")) << "#xx escapes are decoded";
  EXPECT_TRUE(pdf_uses_name("<</Root 1 0 R>>/Encrypt", "Encrypt")) << "a name at the very end";
  EXPECT_FALSE(pdf_uses_name("<</Encr#79Pt 4 0 R>>", "Encrypt")) << "names are case-sensitive";
}

TEST(PdfNames, OtherNamesAndPrefixesDoNotCount) {
  EXPECT_FALSE(pdf_uses_name("<</EncryptMetadata false /Root 1 0 R>>", "Encrypt"));
  EXPECT_FALSE(pdf_uses_name("<</Encryp 1 0 R /ncrypt 2 0 R>> (Encrypt)", "Encrypt"));
  EXPECT_FALSE(pdf_uses_name("<</Encr#7 1 0 R>>", "Encrypt"));
  EXPECT_FALSE(pdf_uses_name("", "Encrypt"));
  EXPECT_FALSE(pdf_uses_name("/", "Encrypt"));
  EXPECT_FALSE(pdf_uses_name("/Encr#", "Encrypt"));
}

}  // namespace
}  // namespace zpe
