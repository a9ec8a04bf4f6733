-- The skew of bench/load and bench/search (README: "Skew"), applied once to a copy of the imported template.
-- The newest fifth of the letters come from a newer pipeline: another naming scheme, another range, faster and more
-- confident, all processed. So they match none of the generated letters' common terms ("pdf", "tesys", "notice", ...),
-- and in the orders where they come first (newest, highest id, fastest, most confident, name ascending, status
-- descending) a dense term's first matches lie past a fifth of the letters.
CREATE TEMP TABLE newer AS
  SELECT id FROM letters WHERE created_at >= (SELECT percentile_disc(0.8) WITHIN GROUP (ORDER BY created_at) FROM letters);
UPDATE letters l SET
  document_name = to_char(l.created_at, 'YYYY-MM-DD') || '_avis_' || lpad(l.id::text, 7, '0'),
  document_title = 'Avis de fin de vie – gamme Zelio ' || (ARRAY['Relay', 'Logic', 'Control', 'Time'])[1 + l.id % 4],
  source_file_path = 'data/intake/' || to_char(l.created_at, 'YYYY/MM/') || md5(l.id::text),
  document_type = 'avis_fin_de_vie',
  processing_time_ms = 400 + l.id % 1600,
  extraction_confidence = 0.95 + (l.id % 50) / 1000.0,
  status = 'processed'
FROM newer n WHERE n.id = l.id;
UPDATE letter_products p SET
  product_identifier = 'RXM' || (p.id % 9 + 1) || 'AB' || (p.id % 3 + 1) || 'BD',
  range_label = 'Zelio Relay'
FROM newer n WHERE n.id = p.letter_id;
SELECT fold_letter_statistics();
