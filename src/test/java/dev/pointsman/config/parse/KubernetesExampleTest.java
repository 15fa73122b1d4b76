package dev.pointsman.config.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * examples/kubernetes/pointsman.yaml: every document parses, and its parts refer to each other
 * correctly: labels and selectors, ports, the ConfigMap's configuration (parsed by Pointsman's own
 * parser, its server names resolved only through the pod's hostAliases), the readiness probe on
 * Pointsman's stats listener, the image the pom's {@code image} profile builds.
 */
class KubernetesExampleTest {
    static final Path EXAMPLE = Path.of("examples/kubernetes/pointsman.yaml");

    private static final Map<String, Map<String, Object>> byKind = new HashMap<>();
    private static Map<String, Object> pod;
    private static Map<String, Object> container;

    @BeforeAll
    static void load() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Object doc : yaml.loadAll(Files.readString(EXAMPLE))) {
            Map<String, Object> d = map(doc);
            assertThat(byKind.put((String) d.get("kind"), d)).as("one %s", d.get("kind")).isNull();
        }
        pod = map(at(byKind.get("Deployment"), "spec", "template", "spec"));
        container = map(list(pod.get("containers")).get(0));
    }

    @Test
    void theExampleHasExactlyAConfigMapADeploymentAServiceAndAPodDisruptionBudget() {
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("ConfigMap", "Deployment", "Service",
                "PodDisruptionBudget");
        assertThat(byKind.get("PodDisruptionBudget").get("apiVersion")).isEqualTo("policy/v1");
        assertThat(byKind.get("Deployment").get("apiVersion")).isEqualTo("apps/v1");
    }

    @Test
    void twoReplicasAndEverySelectorMatchesThePodLabels() {
        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> labels = map(at(deployment, "spec", "template", "metadata", "labels"));

        assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
        assertThat(labels).containsAllEntriesOf(map(at(deployment, "spec", "selector", "matchLabels")));
        assertThat(labels).containsAllEntriesOf(map(at(byKind.get("Service"), "spec", "selector")));
        assertThat(labels).containsAllEntriesOf(map(at(byKind.get("PodDisruptionBudget"), "spec", "selector",
                "matchLabels")));
    }

    @Test
    void theDisruptionBudgetKeepsOnePodAndStillLetsOneGo() {
        int minAvailable = (Integer) at(byKind.get("PodDisruptionBudget"), "spec", "minAvailable");
        int replicas = (Integer) at(byKind.get("Deployment"), "spec", "replicas");

        assertThat(minAvailable).isGreaterThanOrEqualTo(1).isLessThan(replicas);
    }

    @Test
    void theConfigMapHoldsTheReferenceConfigurationVerbatim() throws IOException {
        assertThat(configText()).isEqualTo(Files.readString(Path.of("examples/patroni-haproxy.cfg")));
    }

    @Test
    void theContainerReadsTheConfigMapWherePointsmanIsToldToLook() {
        Map<String, Object> volume = list(pod.get("volumes")).stream().map(KubernetesExampleTest::map)
                .filter(v -> v.containsKey("configMap")).findFirst().orElseThrow();
        Map<String, Object> mount = list(container.get("volumeMounts")).stream().map(KubernetesExampleTest::map)
                .filter(m -> m.get("name").equals(volume.get("name"))).findFirst().orElseThrow();
        String key = map(at(byKind.get("ConfigMap"), "data")).keySet().iterator().next();

        assertThat(at(volume, "configMap", "name")).isEqualTo(at(byKind.get("ConfigMap"), "metadata", "name"));
        assertThat(list(container.get("args"))).containsExactly("-f", mount.get("mountPath") + "/" + key);
    }

    @Test
    void theConfigurationParsesWithItsServerNamesResolvedByTheHostAliasesAlone() throws Exception {
        Config config = parsed();

        assertThat(config.proxies()).extracting(Proxy::name).contains("stats", "primary", "standby");
    }

    @Test
    void theContainerPortsAreExactlyThePortsTheConfigurationBinds() throws Exception {
        Set<Integer> bound = parsed().proxies().stream().flatMap(p -> p.binds().stream())
                .map(Bind::firstPort).collect(Collectors.toSet());

        assertThat(containerPorts().values()).containsExactlyInAnyOrderElementsOf(bound);
    }

    @Test
    void everyServicePortTargetsANamedContainerPortOfTheSameNumber() {
        Map<String, Integer> ports = containerPorts();
        for (Object o : list(at(byKind.get("Service"), "spec", "ports"))) {
            Map<String, Object> p = map(o);
            assertThat(ports).as("service port %s", p.get("name")).containsKey((String) p.get("targetPort"));
            assertThat(ports.get((String) p.get("targetPort"))).isEqualTo(p.get("port"));
        }
        assertThat(list(at(byKind.get("Service"), "spec", "ports"))).hasSameSizeAs(ports.keySet());
    }

    @Test
    void readinessAsksPointsmansOwnStatsListener() throws Exception {
        Map<String, Object> probe = map(at(container, "readinessProbe", "httpGet"));
        Proxy stats = parsed().proxies().stream().filter(Proxy::servesStats).findFirst().orElseThrow();
        int port = containerPorts().get((String) probe.get("port"));
        String path = (String) probe.get("path");

        assertThat(stats.binds()).extracting(Bind::firstPort).contains(port);
        assertThat(path.equals("/metrics") || path.startsWith(stats.stats().uri()))
                .as("%s is /metrics or under the stats uri %s", path, stats.stats().uri()).isTrue();
    }

    @Test
    void theImageIsTheOneThePomBuildsAndRunsAsItsUser() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>pointsman</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(version.find()).isTrue();
        Matcher user = Pattern.compile("<user>(\\d+):(\\d+)</user>").matcher(pom);
        assertThat(user.find()).isTrue();

        assertThat(container.get("image")).isEqualTo("pointsman:" + version.group(1));
        assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
    }

    private static Config parsed() throws ConfigException {
        Map<String, InetAddress> aliases = new HashMap<>();
        for (Object o : list(pod.get("hostAliases"))) {
            Map<String, Object> alias = map(o);
            for (Object name : list(alias.get("hostnames"))) {
                try {
                    aliases.put((String) name, InetAddress.getByName((String) alias.get("ip")));
                } catch (UnknownHostException e) {
                    throw new AssertionError("hostAliases ip " + alias.get("ip"), e);
                }
            }
        }
        Resolver onlyAliases = host -> {
            InetAddress a = aliases.get(host);
            if (a == null) {
                throw new UnknownHostException(host + " (not in the pod's hostAliases)");
            }
            return a;
        };
        return new ConfigParser(name -> null, onlyAliases).parse("pointsman.cfg", configText());
    }

    private static String configText() {
        Map<String, Object> data = map(at(byKind.get("ConfigMap"), "data"));
        assertThat(data).hasSize(1);
        return (String) data.values().iterator().next();
    }

    /** Container port numbers by name. */
    private static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new HashMap<>();
        for (Object o : list(container.get("ports"))) {
            Map<String, Object> p = map(o);
            ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
        }
        return ports;
    }

    private static Object at(Map<String, Object> root, String... path) {
        Object node = root;
        List<String> walked = new ArrayList<>();
        for (String key : path) {
            walked.add(key);
            node = map(node).get(key);
            assertThat(node).as("%s", String.join(".", walked)).isNotNull();
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
