// tiegraph load --bulk, after the import: the actor properties a CSV field cannot carry exactly
// (an empty list such as aliases: [], a property name the importer's header would misread), set
// as parameters so they are typed as the online writer types them.  $rows = [{id, props}].
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a += row.props
RETURN count(a) AS written
