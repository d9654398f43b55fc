// The applicant's second keys in a letter's OCR text — names and dates of birth — and the
// comparison with what the case registry holds for a case (classifiers/case_registry.h).
// A case number read from a letter is trusted only when one of these agrees with the
// registry (stages/route_policy.h): the defence against an OCR misread that happens to be
// another registered number. Called by the classify stage (finding) and the route policy
// (comparing); pure and thread-safe.
//
// Names are found as name phrases ("Ahmad Karimi", "KARIMI, Ahmad") where German letters put
// a person's name, not anywhere in the text:
//  - after a title: "Herr", "Herrn", "Frau" ("des Herrn Ahmad Karimi", "Frau/Herrn ..."),
//    skipping "Dr."/"Prof." and role nouns ("Frau Rechtsanwältin ...");
//  - after a label: "Name:", "Nachname:", "Familienname:", "Name, Vorname:", "Antragsteller:",
//    "Kläger(in):", "Betroffene(r):", "Mandant(in):" (the rest of the line);
//  - after a role: "Mandanten", "Mandantin", "Antragstellers", "Klägers", ... directly
//    followed by a capitalised name ("namens unseres Mandanten Ahmad Karimi");
//  - before a birth: "Ahmad Karimi, geboren am ...", "..., geb. ...", "Karimi (geb. ...)";
//  - after "Verwaltungsstreitsache", "Rechtsstreit", "in Sachen", "Asylverfahren": the name on
//    the same line, else the name that opens the next line (the parties' block of a court letter);
//  - the letterhead of a letter written by a person: a first line of two to four capitalised
//    words that names no organisation.
// Dates of birth: every calendar-valid date (classifiers/letter_date.h: "01.02.1990",
// "1.2.90", "1. Februar 1990") introduced by "geb."/"geboren"/"Geburtsdatum"/"Geburtstag"/
// "*" on its line, or standing at the start of a line below a line that ends in such a label.
//
// Comparing, tolerant to OCR: surnames are folded (case, umlauts ä->a, ß->ss, hyphens and
// spaces dropped, the look-alikes l/I/1/| and 0/O, 5/S, 8/B, "rn"/"m" made equal) and agree
// within an edit distance of 0 (up to 4 letters), 1 (5-9 letters) or 2 (10 or more), against
// any word or run of up to three words of a found name phrase ("Al Hassan" agrees with
// "Al-Hassan"; a first name can agree with a surname, which costs little: the registry's
// number must still have been read). Dates of birth agree when their ISO forms are equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "classifiers/letter_fields.h"

namespace zpe::classifiers {

// Name phrases that may name the applicant, in text order, without repeats; confidence 0.9
// after a label or title, 0.7 from the letterhead or a parties' block.
std::vector<FoundField> find_applicant_names(std::string_view text);

// Dates of birth (value: ISO "1990-02-01"), in text order, without repeats; confidence 0.9.
std::vector<FoundField> find_birth_dates(std::string_view text);

// Surname and name phrase folded for comparison as described above ("Al-Haşsan" -> "aihassan").
std::string fold_name(std::string_view name);

// True when the registered surname agrees with a word (or a run of up to three words) of
// the name phrase found in a letter.
bool surname_agrees(std::string_view registered, std::string_view name_phrase);

// Compares one second key: "surname" with surname_agrees, "birth_date" and any other key by
// equality after trimming and case folding.
bool second_key_agrees(std::string_view key, std::string_view registered, std::string_view found);

}  // namespace zpe::classifiers
