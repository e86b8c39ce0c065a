// tiegraph load --replace, with the ties: delete the duplicates kept for the datasets' own rows.
MATCH (d:Duplicate)
DETACH DELETE d
