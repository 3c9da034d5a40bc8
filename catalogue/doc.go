// Package catalogue reads a collection's own catalogue (CSV or JSON Lines:
// one row per picture, its fields such as artist, date, school or
// iconographic terms) and sets it beside what the network makes of the
// pictures: facets with counts, accuracy by field with Wilson intervals,
// values for colouring a map, a selection's over-represented terms, and
// network dissection in the catalogue's words (which field values are
// over-represented among a filter's top pictures: a hypergeometric tail
// test with Benjamini-Hochberg's false discovery rate over all the tests
// of a run).
//
// A catalogue is read whole (Open, Read); nothing it holds is dropped: rows
// whose file is not in the collection, pictures without a row, duplicated
// rows and dates that cannot be read are counted in a Report and kept.
// Values are interned per field (Field.Terms), so 100,000 rows take a few
// tens of megabytes. Dates ("1503", "c. 1650", "1650-1660", "1650s",
// "16th century", "early 16th century") are read as year ranges with a
// century for grouping (ParseDate); every other value is text.
//
// The package imports no GUI code: the command line and the window share it.
package catalogue
