import java.io.File;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.TimeRepresentation;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.importer.plugin.file.spreadsheet.AbstractImporterSpreadsheet;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.io.processor.plugin.MergeProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Imports each file given on the command line with Gephi's own importer (gephi-toolkit, headless),
 * as Gephi's "Open graph file" does with its default settings (a .csv: as an edges table with
 * interval times, see below; an edges.csv with a nodes.csv beside it: both tables, merged into one
 * graph as when both files are opened together), into a workspace of its own,
 * and prints what Gephi kept, one tab-separated line per fact:
 *
 *   FILE path | NODES n | EDGES n | DIRECTED n | TYPES n (edge types, i.e. GEXF kinds) |
 *   TIES sum of the edge column "ties" (-1 without one) | TIE_IDS distinct ids in the column "tie_ids" |
 *   WEIGHT_MISMATCH edges whose weight differs from their "ties" |
 *   TIMEFORMAT f | BOUNDS low high (milliseconds since 1970 for dates; run with -Duser.timezone=UTC) |
 *   ISSUE level message (every issue of the import report) | EXCEPTION text | END
 *
 * tests/test_gephi.py runs it as a single-file source program (java -cp gephi.jar GephiImport.java).
 */
public class GephiImport {
    public static void main(String[] args) {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        GraphController graphs = Lookup.getDefault().lookup(GraphController.class);
        projects.newProject();
        for (String path : args) {
            System.out.println("FILE\t" + path);
            try {
                Workspace workspace = projects.newWorkspace(projects.getCurrentProject());
                File file = new File(path);
                Container container;
                File nodesFile = new File(file.getParentFile(), "nodes.csv");
                if (path.endsWith("edges.csv") && nodesFile.isFile()) {
                    Container nodes = spreadsheet(importer, nodesFile);
                    Container edges = spreadsheet(importer, file);
                    for (Container part : new Container[] {nodes, edges}) {
                        for (Issue issue : part.getReport().getIssuesList(Integer.MAX_VALUE)) {
                            System.out.println("ISSUE\t" + issue.getLevel() + "\t" + oneLine(issue.getMessage()));
                        }
                    }
                    importer.process(new Container[] {nodes, edges}, new MergeProcessor(), workspace);
                    describe(graphs.getGraphModel(workspace));
                    System.out.println("END");
                    continue;
                }
                if (path.endsWith(".csv")) {
                    container = spreadsheet(importer, file);
                } else {
                    container = importer.importFile(file);
                }
                if (container == null) {
                    System.out.println("EXCEPTION\tno importer took the file");
                } else {
                    Collection<Issue> issues = container.getReport().getIssuesList(Integer.MAX_VALUE);
                    importer.process(container, new DefaultProcessor(), workspace);
                    for (Issue issue : issues) {
                        System.out.println("ISSUE\t" + issue.getLevel() + "\t" + oneLine(issue.getMessage()));
                    }
                    describe(graphs.getGraphModel(workspace));
                }
            } catch (Throwable error) {
                System.out.println("EXCEPTION\t" + oneLine(error.toString()));
            }
            System.out.println("END");
        }
        System.exit(0);  // the toolkit leaves non-daemon threads behind
    }

    /** A CSV table read as Gephi's spreadsheet wizard reads it once "Time representation: Intervals" is
     *  chosen (the timeset column holds intervals; the default is timestamps). */
    private static Container spreadsheet(ImportController importer, File file) throws Exception {
        AbstractImporterSpreadsheet csv = (AbstractImporterSpreadsheet) importer.getFileImporter(file);
        csv.setFile(file);
        csv.setTimeRepresentation(TimeRepresentation.INTERVAL);
        return importer.importFile(file, csv);
    }

    private static void describe(GraphModel model) {
        Graph graph = model.getGraph();
        Column ties = model.getEdgeTable().getColumn("ties");
        Column tieIds = model.getEdgeTable().getColumn("tie_ids");
        Set<String> ids = new HashSet<>();
        long directed = 0;
        long tieSum = ties == null ? -1 : 0;
        long mismatch = 0;
        for (Edge edge : graph.getEdges()) {
            if (edge.isDirected()) {
                directed++;
            }
            if (ties != null) {
                Object value = edge.getAttribute(ties);
                tieSum += value == null ? 0 : ((Number) value).longValue();
                if (value == null || edge.getWeight() != ((Number) value).doubleValue()) {
                    mismatch++;
                }
            }
            if (tieIds != null && edge.getAttribute(tieIds) != null) {
                for (String id : edge.getAttribute(tieIds).toString().split(";")) {
                    ids.add(id);
                }
            }
        }
        Interval bounds = model.getTimeBounds();
        System.out.println("NODES\t" + graph.getNodeCount());
        System.out.println("EDGES\t" + graph.getEdgeCount());
        System.out.println("DIRECTED\t" + directed);
        System.out.println("TYPES\t" + model.getEdgeTypeCount());
        System.out.println("TIES\t" + tieSum);
        System.out.println("TIE_IDS\t" + (tieIds == null ? -1 : ids.size()));
        System.out.println("WEIGHT_MISMATCH\t" + mismatch);
        System.out.println("TIMEFORMAT\t" + model.getTimeFormat());
        System.out.println("BOUNDS\t" + bounds.getLow() + "\t" + bounds.getHigh());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\t', ' ');
    }
}
