import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics. `MetricsSystem` can be bootstrapped
/// once per process, so every application built in this process (tests build many) shares it.
public enum Observability {
    /// The registry `/metrics` exposes; the first use bootstraps swift-metrics with it.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The Prometheus text exposition of every metric.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
