// Package relation is the only home of personal data about the people and
// companies a customer deals with: tenants, guarantors, contacts, suppliers
// and owners (DESIGN.md §4; PRIVACY.md P5, P6, P10, P11, P14). Other
// capabilities refer to them by id and ask this package for what they need
// (PartyFacts, CheckTenantAge, MarkTenantTx).
//
// # What is stored how
//
// Every relation, person or company, has its own vault subject, created once
// (vault.NewSubject), so erasing one is crypto-shredding that subject and
// deleting its rows in relation_search (PrivacySource, store_privacy.go:
// the row stays as an id without data, erased_at set, so leases and the
// books still point somewhere; Get answers not found, lists leave it out,
// names read as ErasedName). Nothing here keeps a copy of personal data
// outside the subject's ciphertexts and the keyed tokens.
//
// The identifying fields are sealed under that subject, in groups, each a
// small JSON document sealed as one field:
//
//	relation.name     initials, first names, surname prefix, surname (persons)
//	relation.address  street, number, addition, postcode, city, country
//	relation.contact  e-mail address and phone numbers
//	relation.birth    birth date, birth place, nationality (persons)
//	relation.ibans    bank accounts, the first being the one payments go to
//	relation.list     what a list row shows: "Vries, J. de" and the place
//
// Grouping is a measured choice: a Seal or Open costs about 0.1 ms, almost
// all of it reading and unwrapping the subject's keyset, and hardly depends
// on the length of the value. One field per column would cost a person some
// 16 seals on import and a list row 3 opens; grouped, a person costs at most
// 6 seals and a list row one open. A group is still bound to its relation,
// subject and field name by the vault's associated data. relation.list
// repeats the name and place under the same key, so shredding the subject
// covers it too.
//
// Plain columns: the kind, the roles, the language, the customer's own
// reference (ref, e.g. a debtor number, chosen by the customer), supplier
// cost categories, and for companies their name, legal form, KvK number and
// btw-id: companies are not natural persons (P6). A company's address, phone
// number, e-mail address and IBANs are sealed all the same (a sole trader's
// business address is often a home), and its contact persons are persons.
// A sole trader's or unknown legal form's btw-id that passes the BSN 11-test
// is refused, because the old btw-nummer of a sole trader contains the BSN.
//
// Birth place and nationality are refused unless the organisation turned
// them on with a stated purpose (privacy.Settings); they are rarely needed
// for renting.
//
// # Finding people without readable data
//
// Look-ups go through relation_search(org_id, kind, token, relation_id),
// where a token is HMAC-SHA256 (cut to 128 bits) of a normalised value
// under a per-kind key derived from the organisation's blind-index key (see
// tokenizer). Kinds:
//
//	name      every prefix of 1 to 12 letters of every word of the first
//	          names, surname prefix, surname and initials (for companies:
//	          of the name), lower-cased with diacritics removed, so "jans"
//	          finds Jansen and "de vr" finds de Vries; a search is split in
//	          words and every word must match (a word over 12 letters
//	          matches on its first 12)
//	email     the exact address, lower-cased
//	iban      the exact IBAN without spaces
//	postcode  the exact postcode ("1234 AB")
//	phone     the exact number as digits, +31 and 0031 written as 0
//
// A KvK number is plain and matched exactly.
//
// A search does not depend on the database's query planner: searchIDs reads
// the matching ids from index ranges of (org_id, kind, token), each already
// in id order (an exact value is one range; name words start from the
// longest word's range and narrow it by probing or merging the others),
// and pageOf orders only what the page needs from relation_order (sorting
// the keys of up to 1,000 matches, or walking the ranks in order until the
// page is full). Then only the page's rows are read and decrypted, one
// small ciphertext each (relation.list). The cost follows the number of
// matches, not the organisation's size; an IBAN look-up among 100,000
// persons reads one token row and one relation. Searches combined with a
// role or kind filter, or sorted by reference, are one SQL query instead.
// On PostgreSQL searches run with plan_cache_mode = force_custom_plan (a
// generic plan for a token probe was a hundred times slower), and ordered
// walks rely on statistics, which autovacuum keeps.
//
// What the tokens reveal to someone who reads the database without the
// keys: which relations share a value of a kind (the same e-mail address,
// the same name prefix), and how many name words of which lengths a
// relation has; not the values.
//
// # Name order without stored names
//
// Lists sort by name ("surname, initials"; diacritics and case ignored,
// "de Vries" filed under V) through relation_order(org_id, relation_id,
// sort_key): a fixed-width rank, a uint64 as 16 hex digits, so ORDER BY
// sort_key is alphabetical order. It is a narrow table of its own so that
// ordering thousands of matches reads small index pages, not the relations
// rows with their ciphertexts. A new or renamed relation is placed by
// bisecting the rank space, decrypting about log2(n) names, and takes a
// rank between its two neighbours; an import sorts its rows in memory and
// places them in one pass. When two neighbours have no rank left between
// them, all ranks of the organisation are spread out again in one pass.
// Writers take the organisation's relation_order_state row first, so two
// never choose the same rank.
//
// The leak, deliberately accepted: the ranks show the relative alphabetical
// order of the relations (who comes before whom), and nothing else — not a
// name, not a first letter (ranks are spread evenly, not by letter).
//
// # Access log
//
// Opening a record — the detail page, the edit form, an API GET, and
// PartyFacts for another capability — writes an audit event
// "relation.viewed" with the relation id and {"via": "web" | "api" |
// purpose}, never a name. Lists are not logged per row: they show only names
// and places, the minimum needed to pick the right record, and a list of 50
// rows logged as 50 openings would drown the openings that matter. A CSV
// export of a list is logged once, as relation.list_exported with the
// number of rows.
//
// # Tenants
//
// Before the first tenant can be entered, an owner must accept the current
// processor agreement (privacy.AcceptProcessorAgreement); until then
// creating a relation with the tenant role, or adding that role, fails with
// a 409 problem whose message leads to the agreement page. A tenant must be
// 16 or older on today's date (Europe/Amsterdam): a younger person may be
// stored in another role, and is shown with the flag "minderjarig".
package relation
