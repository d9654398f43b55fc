#include "classifiers/ocr_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <pugixml.hpp>

namespace zpe::classifiers {

namespace {

// The element's name without a namespace prefix ("alto:String" -> "String").
std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

int pixels(const pugi::xml_node& node, const char* attribute) {
  return static_cast<int>(std::lround(node.attribute(attribute).as_double(0.0)));
}

// The String elements under `node`, in document order.
void collect_words(const pugi::xml_node& node, LayoutPage& page) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (local_name(child) != "String") {
      collect_words(child, page);
      continue;
    }
    LayoutWord word;
    word.text = child.attribute("CONTENT").as_string();
    word.box.left = pixels(child, "HPOS");
    word.box.top = pixels(child, "VPOS");
    word.box.right = word.box.left + pixels(child, "WIDTH");
    word.box.bottom = word.box.top + pixels(child, "HEIGHT");
    word.confidence = std::clamp(child.attribute("WC").as_double(1.0), 0.0, 1.0);
    if (!word.text.empty()) page.words.push_back(std::move(word));
  }
}

void collect_pages(const pugi::xml_node& node, OcrLayout& layout) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (local_name(child) != "Page") {
      collect_pages(child, layout);
      continue;
    }
    LayoutPage page;
    page.width = pixels(child, "WIDTH");
    page.height = pixels(child, "HEIGHT");
    collect_words(child, page);
    layout.pages.push_back(std::move(page));
  }
}

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v'; }

struct Token {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The blank-separated tokens of text[begin, end).
std::vector<Token> tokens_of(std::string_view text, std::size_t begin, std::size_t end) {
  std::vector<Token> tokens;
  for (std::size_t i = begin; i < end;) {
    while (i < end && is_blank(text[i])) ++i;
    const std::size_t start = i;
    while (i < end && !is_blank(text[i])) ++i;
    if (i > start) tokens.push_back({start, i});
  }
  return tokens;
}

// [begin, end) of the page's text, or nullopt when the text has fewer pages.
std::optional<std::pair<std::size_t, std::size_t>> page_span(std::string_view text, int page_index) {
  std::size_t begin = 0;
  for (int k = 0; k < page_index; ++k) {
    const std::size_t feed = text.find('\f', begin);
    if (feed == std::string_view::npos) return std::nullopt;
    begin = feed + 1;
  }
  const std::size_t feed = text.find('\f', begin);
  return std::make_pair(begin, feed == std::string_view::npos ? text.size() : feed);
}

}  // namespace

Result<OcrLayout> parse_alto(std::string_view xml) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return fail(ErrorKind::kInvalidInput, std::string("ALTO XML: ") + parsed.description() + " at byte " +
                                              std::to_string(parsed.offset));
  }
  OcrLayout layout;
  collect_pages(document, layout);
  return layout;
}

std::optional<LocatedText> locate_words(const OcrLayout& layout, std::string_view text, const TextPosition& position) {
  if (position.page_index < 0 || static_cast<std::size_t>(position.page_index) >= layout.pages.size()) {
    return std::nullopt;
  }
  const auto span = page_span(text, position.page_index);
  const std::size_t match_end = position.offset + position.text.size();
  if (!span || position.text.empty() || position.offset < span->first || match_end > span->second) return std::nullopt;
  const std::vector<Token> tokens = tokens_of(text, span->first, span->second);
  const auto first = std::find_if(tokens.begin(), tokens.end(), [&](const Token& t) { return t.end > position.offset; });
  const auto past = std::find_if(first, tokens.end(), [&](const Token& t) { return t.begin >= match_end; });
  if (first == past) return std::nullopt;
  const std::size_t first_token = static_cast<std::size_t>(first - tokens.begin());
  const std::size_t count = static_cast<std::size_t>(past - first);

  const std::vector<LayoutWord>& words = layout.pages[static_cast<std::size_t>(position.page_index)].words;
  const auto spells_tokens = [&](std::size_t at) {
    if (at + count > words.size()) return false;
    for (std::size_t j = 0; j < count; ++j) {
      const Token& t = tokens[first_token + j];
      if (words[at + j].text != text.substr(t.begin, t.end - t.begin)) return false;
    }
    return true;
  };
  // Where the word order says, else the matching run of words nearest to it.
  std::optional<std::size_t> at;
  for (std::size_t distance = 0; !at && distance <= words.size(); ++distance) {
    if (first_token + distance < words.size() && spells_tokens(first_token + distance)) at = first_token + distance;
    else if (distance > 0 && distance <= first_token && spells_tokens(first_token - distance)) at = first_token - distance;
  }
  if (!at) return std::nullopt;

  const LayoutPage& page = layout.pages[static_cast<std::size_t>(position.page_index)];
  LocatedText located{position.page_index, page.width, page.height, words[*at].box, 1.0, static_cast<int>(count)};
  for (std::size_t j = *at; j < *at + count; ++j) {
    const WordBox& box = words[j].box;
    located.box = {std::min(located.box.left, box.left), std::min(located.box.top, box.top),
                   std::max(located.box.right, box.right), std::max(located.box.bottom, box.bottom)};
    located.min_word_confidence = std::min(located.min_word_confidence, words[j].confidence);
  }
  return located;
}

}  // namespace zpe::classifiers
