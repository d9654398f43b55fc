// Text fingerprints for near-duplicate detection: is this letter one we already filed (a
// rescan, the letter after its fax)? The classify stage fingerprints every document's OCR
// text (stages/classify.cpp); the route stage compares it with the fingerprints of the
// documents filed in the same case recently (stages/route.cpp). docs/CLASSIFY.md has the
// measurements behind the default threshold.
//
// The fingerprint is a MinHash signature: the text is folded (fold_for_keywords), cut into
// words of two or more letters or digits (single characters are mostly OCR specks), and
// every run of three consecutive words (a shingle) is hashed. For each of 128 seeded hash
// functions the signature keeps the smallest hash of any shingle (low 16 bits). The share of
// positions where two signatures agree estimates the Jaccard similarity of the two shingle
// sets (standard error about 0.04 at 0.5). A few OCR misreads change a few shingles, so a
// rescan stays close to 1; another letter on the same letterhead shares only its boilerplate.
//
// Text with fewer than kMinShingles distinct shingles (a near-empty page, a cover sheet) gets
// no fingerprint: it would resemble every other short page.
//
// Encoded as "mh128x16:" + 512 lower-case hex digits; the prefix names the scheme, so a
// fingerprint from another scheme is never compared. Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zpe::classifiers {

inline constexpr int kMinHashCount = 128;
inline constexpr std::size_t kMinShingles = 20;
// The similarity from which a document counts as a near-duplicate unless the settings say
// otherwise ([stages.route] near_duplicate_similarity). Measured with
// bench/eval_near_duplicate.sh (docs/CLASSIFY.md): different letters of one template score
// up to 0.67, rescans and faxes of the same letter (real OCR) 0.86 and more.
inline constexpr double kDefaultNearDuplicateSimilarity = 0.75;

struct TextFingerprint {
  std::array<std::uint16_t, kMinHashCount> minima{};  // per hash function: low 16 bits of the minimum
};

// The fingerprint of a document's text, or nothing when the text is too short to compare.
std::optional<TextFingerprint> fingerprint_text(std::string_view text);

// The distinct word 3-shingles of a text as 64-bit hashes, sorted (exposed for the bench
// that compares the estimate with the exact Jaccard similarity).
std::vector<std::uint64_t> text_shingles(std::string_view text);

// Estimated Jaccard similarity of the two texts, 0..1.
double estimate_similarity(const TextFingerprint& a, const TextFingerprint& b);

std::string encode_fingerprint(const TextFingerprint& fingerprint);
// Nothing when the text is not a fingerprint of this scheme.
std::optional<TextFingerprint> decode_fingerprint(std::string_view encoded);

}  // namespace zpe::classifiers
