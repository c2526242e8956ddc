// How many items AWS takes in one request, where keelson joins many into one. Kept apart from
// the adapters (no SDK import), so the simulator sends the same batches as they do.

/**
 * Listener or rule ARNs per DescribeListeners / DescribeRules. The API reference sets no bound
 * on the ARN list (only PageSize, 1-400); 20 is the bound ELB documents for its other ARN lists
 * (DescribeLoadBalancers), kept so one request stays well within a page.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListeners.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
 */
export const DESCRIBE_LISTENERS_BATCH = 20;

/**
 * Resource IDs per DescribeScalableTargets: MaxResults is at most 50, so 50 IDs are answered in
 * one page. https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalableTargets.html
 */
export const SCALABLE_TARGETS_PAGE = 50;
