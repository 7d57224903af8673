import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Checks a file repository that {@code mvn deploy} filled (.ci/deploy-check) against Maven Central's rules:
 * every published artifact has its jar, -sources.jar, -javadoc.jar and .pom, each with .md5 and .sha1
 * checksums that match; nothing else is there (no benchmarks, no test-jars); the effective POMs carry name,
 * description, url, licenses, developers and scm, depend on no SNAPSHOT but the project's own, and sign
 * every file under -Prelease. Usage: java DeployCheck.java REPO EFFECTIVE_POMS_XML (help:effective-pom -Prelease).
 */
public class DeployCheck {
    static final String GROUP = "dev.pgreen";
    static final String PARENT = "pgreen-parent";
    static final List<String> JARS = List.of("pgreen-driver", "pgreen-wait-callbacks", "pgreen-loom", "pgreen-kotlin");

    final List<String> problems = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        DeployCheck check = new DeployCheck();
        check.run(Path.of(args[0]), Path.of(args[1]));
        check.notes.forEach(n -> System.out.println("note: " + n));
        check.problems.forEach(p -> System.out.println("PROBLEM: " + p));
        if (!check.problems.isEmpty()) {
            System.out.println("deploy check: " + check.problems.size() + " problem(s)");
            System.exit(1);
        }
        System.out.println("deploy check: OK, " + (JARS.size() + 1) + " artifacts ready for Maven Central");
    }

    void run(Path repo, Path effectivePoms) throws Exception {
        Map<String, Element> poms = effectivePoms(effectivePoms);
        Path group = repo.resolve(GROUP.replace('.', '/'));
        Set<String> deployed = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(group)) {
            dirs.filter(Files::isDirectory).forEach(d -> deployed.add(d.getFileName().toString()));
        }
        Set<String> expected = new TreeSet<>(JARS);
        expected.add(PARENT);
        for (String a : deployed) {
            if (!expected.contains(a)) {
                problems.add(a + " was deployed; only " + expected + " are published");
            }
        }
        boolean signed = false;
        for (String a : expected) {
            Element pom = poms.get(a);
            if (pom == null) {
                problems.add(a + ": no effective POM");
                continue;
            }
            String version = text(pom, "version");
            if (!deployed.contains(a)) {
                problems.add(a + " was not deployed");
                continue;
            }
            signed |= checkFiles(group.resolve(a).resolve(version), a, version, !a.equals(PARENT));
            checkPom(a, pom);
        }
        String version = text(poms.get(PARENT), "version");
        if (version.endsWith("-SNAPSHOT")) {
            notes.add("version " + version + ": fine here and for a snapshot repository; a release to Maven Central"
                    + " needs a version without -SNAPSHOT (mvn versions:set -DnewVersion=...), and so do the"
                    + " dev.pgreen dependencies between the modules, which follow ${project.version}");
        }
        if (!signed) {
            notes.add("no .asc signatures: this deploy is unsigned on purpose; mvn -B deploy -Prelease"
                    + " -Dmaven.test.skip=true signs every file with gpg (the sign goal of maven-gpg-plugin, which"
                    + " every effective POM binds under -Prelease), as Maven Central requires");
        }
    }

    /** The deployed files of one artifact: the required ones, their checksums and contents; nothing more. */
    boolean checkFiles(Path dir, String artifact, String version, boolean jar) throws Exception {
        if (!Files.isDirectory(dir)) {
            problems.add(artifact + ": no " + version + " directory in the repository");
            return false;
        }
        String base = artifact + "-" + resolvedVersion(dir, version);
        List<String> required = new ArrayList<>(List.of(base + ".pom"));
        if (jar) {
            required.addAll(List.of(base + ".jar", base + "-sources.jar", base + "-javadoc.jar"));
        }
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(f -> files.add(f.getFileName().toString()));
        }
        Pattern own = Pattern.compile(Pattern.quote(artifact + "-") + ".*?(?:-(sources|javadoc|tests|test-sources))?\\.(jar|pom)$");
        for (String f : files) {
            Matcher m = own.matcher(f);
            if (m.matches() && !required.contains(f) && f.startsWith(base)) {
                problems.add(artifact + ": unexpected file " + f + (m.group(1) != null && m.group(1).startsWith("test")
                        ? " (test-jars are not published)" : ""));
            }
        }
        boolean signed = false;
        for (String f : required) {
            Path file = dir.resolve(f);
            if (!Files.exists(file)) {
                problems.add(artifact + ": " + f + " is missing");
                continue;
            }
            byte[] bytes = Files.readAllBytes(file);
            checksum(dir, f, bytes, "md5", "MD5");
            checksum(dir, f, bytes, "sha1", "SHA-1");
            if (files.contains(f + ".asc")) {
                signed = true;
            } else if (files.stream().anyMatch(x -> x.endsWith(".asc"))) {
                problems.add(artifact + ": " + f + " has no .asc signature while other files have one");
            }
        }
        if (jar) {
            checkJar(dir.resolve(base + ".jar"), artifact, e -> e.equals("module-info.class"), "no module-info.class");
            checkJar(dir.resolve(base + "-sources.jar"), artifact, e -> e.endsWith(".java") || e.endsWith(".kt"),
                    "a -sources.jar without sources");
            checkJar(dir.resolve(base + "-javadoc.jar"), artifact,
                    e -> e.endsWith("index.html") || e.equals("README.md"), "a -javadoc.jar without documentation");
        }
        return signed;
    }

    /** For a SNAPSHOT, the timestamped version of the last deploy, from maven-metadata.xml. */
    String resolvedVersion(Path dir, String version) throws Exception {
        if (!version.endsWith("-SNAPSHOT")) {
            return version;
        }
        Path metadata = dir.resolve("maven-metadata.xml");
        if (!Files.exists(metadata)) {
            problems.add(dir + ": a SNAPSHOT without maven-metadata.xml");
            return version;
        }
        Element snapshot = child(parse(metadata).getDocumentElement(), "versioning", "snapshot");
        return version.replace("SNAPSHOT", text(snapshot, "timestamp") + "-" + text(snapshot, "buildNumber"));
    }

    void checksum(Path dir, String file, byte[] bytes, String ext, String algorithm) throws Exception {
        Path sum = dir.resolve(file + "." + ext);
        if (!Files.exists(sum)) {
            problems.add(file + ": no ." + ext + " checksum");
            return;
        }
        String want = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        String got = Files.readString(sum).trim().split("\\s+")[0];
        if (!want.equalsIgnoreCase(got)) {
            problems.add(file + ": its ." + ext + " does not match the file");
        }
    }

    void checkJar(Path jar, String artifact, java.util.function.Predicate<String> entry, String problem) throws IOException {
        if (!Files.exists(jar)) {
            return;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.stream().noneMatch(e -> entry.test(e.getName()))) {
                problems.add(artifact + ": " + problem + " (" + jar.getFileName() + ")");
            }
        }
    }

    /** The elements Maven Central requires of a POM (inherited ones count: this is the effective POM). */
    void checkPom(String artifact, Element pom) {
        for (String name : List.of("name", "description", "url")) {
            if (text(pom, name).isBlank()) {
                problems.add(artifact + ": the POM has no <" + name + ">");
            }
        }
        String url = text(pom, "url");
        Element scm = child(pom, "scm");
        if (scm == null || text(scm, "url").isBlank() || text(scm, "connection").isBlank()) {
            problems.add(artifact + ": the POM has no <scm> with <url> and <connection>");
        } else {
            for (String u : List.of(url, text(scm, "url"), text(scm, "connection"))) {
                if (!artifact.equals(PARENT) && u.endsWith("/" + artifact)) {
                    problems.add(artifact + ": " + u + " has the module's name appended (inherit.append.path)");
                }
            }
        }
        List<Element> licenses = children(child(pom, "licenses"), "license");
        if (licenses.isEmpty() || licenses.stream().anyMatch(l -> text(l, "name").isBlank() || text(l, "url").isBlank())) {
            problems.add(artifact + ": the POM needs <licenses> with a <license> that has <name> and <url>");
        }
        List<Element> developers = children(child(pom, "developers"), "developer");
        if (developers.isEmpty() || developers.stream().allMatch(d -> text(d, "name").isBlank())) {
            problems.add(artifact + ": the POM needs <developers> with a named <developer>");
        }
        for (Element d : children(child(pom, "dependencies"), "dependency")) {
            String scope = text(d, "scope").isBlank() ? "compile" : text(d, "scope");
            if (scope.equals("test")) {
                continue;
            }
            String coordinates = text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version");
            if (text(d, "version").endsWith("-SNAPSHOT") && !text(d, "groupId").equals(GROUP)) {
                problems.add(artifact + ": depends on the SNAPSHOT " + coordinates + ", which a release cannot");
            }
            if (text(d, "type").equals("test-jar") || text(d, "classifier").equals("tests")) {
                problems.add(artifact + ": depends on the test-jar " + coordinates + " in scope " + scope);
            }
        }
        boolean signs = children(child(pom, "build", "plugins"), "plugin").stream()
                .filter(p -> text(p, "artifactId").equals("maven-gpg-plugin"))
                .flatMap(p -> children(child(p, "executions"), "execution").stream())
                .flatMap(e -> children(child(e, "goals"), "goal").stream())
                .anyMatch(g -> g.getTextContent().trim().equals("sign"));
        if (!signs) {
            problems.add(artifact + ": -Prelease does not bind maven-gpg-plugin's sign goal");
        }
    }

    static Map<String, Element> effectivePoms(Path file) throws Exception {
        Map<String, Element> poms = new LinkedHashMap<>();
        Element root = parse(file).getDocumentElement();
        List<Element> projects = root.getTagName().equals("project") ? List.of(root) : children(root, "project");
        for (Element p : projects) {
            if (text(p, "groupId").equals(GROUP)) {
                poms.put(text(p, "artifactId"), p);
            }
        }
        return poms;
    }

    static Document parse(Path file) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static Element child(Element parent, String... path) {
        Element e = parent;
        for (String name : path) {
            if (e == null) {
                return null;
            }
            List<Element> c = children(e, name);
            e = c.isEmpty() ? null : c.getFirst();
        }
        return e;
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().trim();
    }
}
