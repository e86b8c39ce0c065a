// Question: what is the shortest chain of cooperation ties between two actors?
// Example: tiegraph query cypher/shortest_path.cypher --param fromActor=KGZ --param toActor=tai
// Notes: any tie type, either direction; a multilateral tie is a :Tie node, so passing through
// it takes two relationships (in and out) and counts as one hop.  Of the paths with the fewest
// relationships, the one with the fewest hops (then the first by actor ids): without that choice
// KGZ-TUR-KAZ and KGZ-(exercise)-KAZ, both two relationships long, would be drawn at random, and
// the answer would change with the order the ties were written in.  Tentative ties (announced,
// planned, proposed) are left out unless includeTentative is true.  At most 8 hops; no row when
// the actors are not connected (KGZ and baykar are joined only through a proposed tie: no row
// unless includeTentative is true).
:param fromActor => 'KGZ';
:param toActor => 'tai';
:param includeTentative => false;

MATCH (a:Actor {id: $fromActor}), (b:Actor {id: $toActor})
MATCH p = allShortestPaths((a)-[:ALLIANCE_TREATY|DEFENSE_COOPERATION_AGREEMENT|INTELLIGENCE_PROTOCOL|STRATEGIC_PARTNERSHIP|ARMS_TRANSFER|LICENSED_PRODUCTION|DEFENSE_INDUSTRIAL_COOPERATION|JOINT_EXERCISE|TRAINING|MILITARY_ASSISTANCE|DEFENSE_MEETING|MEMBERSHIP|PARTICIPATED_IN*..16]-(b))
WHERE all(r IN relationships(p) WHERE $includeTentative OR NOT coalesce(r.tentative, false))
  AND all(n IN nodes(p) WHERE $includeTentative OR NOT coalesce(n.tentative, false))
WITH p, [n IN nodes(p) WHERE n:Tie] AS tieNodes,
     [r IN relationships(p) WHERE type(r) <> 'PARTICIPATED_IN'] AS tieRelationships
RETURN size(tieNodes) + size(tieRelationships) AS hops,
       [n IN nodes(p) WHERE n:Actor | n.id] AS path,
       [x IN nodes(p) + relationships(p) WHERE x.tieId IS NOT NULL | x.tieId] AS tieIds
ORDER BY hops, path
LIMIT 1
